import type { ReactNode } from 'react';

/** Directional formatting characters (RLO, LRO, isolates...) that could disguise text; shown as visible marks. */
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;

/** Only http(s) links are ever made clickable. */
export function safeHref(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * User text as React text nodes: never HTML. http(s) URLs become links that open in a new tab without the opener;
 * bidirectional overrides are neutralised so that they cannot reorder what follows; mentions are emphasised.
 * With `links={false}` URLs stay text (for use inside a button or link).
 */
export function RichText({ text, mentions = [], links = true }: {
  text: string;
  mentions?: string[];
  /** false inside another control (a button): URLs stay text. */
  links?: boolean;
}): ReactNode {
  const clean = text.replace(BIDI, '\uFFFD');
  if (!links) return <>{mentionize(clean, mentions, (() => { let k = 0; return () => k++; })())}</>;
  const parts: ReactNode[] = [];
  let last = 0;
  let key = 0;
  for (const m of clean.matchAll(URL_RE)) {
    const start = m.index ?? 0;
    if (start > last) parts.push(...mentionize(clean.slice(last, start), mentions, () => key++));
    const href = safeHref(m[0].replace(/[.,;:!?)]+$/, ''));
    const shown = href ? m[0].replace(/[.,;:!?)]+$/, '') : m[0];
    parts.push(href ? <a key={key++} href={href} target="_blank" rel="noopener noreferrer nofollow ugc">{shown}</a> : shown);
    last = start + shown.length;
  }
  if (last < clean.length) parts.push(...mentionize(clean.slice(last), mentions, () => key++));
  return <>{parts}</>;
}

function mentionize(text: string, mentions: string[], key: () => number): ReactNode[] {
  if (mentions.length === 0) return [text];
  const re = new RegExp(`@(${mentions.map(escape).join('|')})\\b`, 'g');
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const start = m.index ?? 0;
    if (start > last) out.push(text.slice(last, start));
    out.push(<strong key={key()} className="chatsdk-mention">{m[0]}</strong>);
    last = start + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
