// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { RichText, buildItems, safeHref, Waveform } from '../src/index.js';
import type { LocalMessage } from '@chatsdk/client';

afterEach(cleanup);

const msg = (id: string, seq: number, user: string, at: string): LocalMessage => ({
  id, cid: 'messaging:x', seq, user_id: user, type: 'regular', text: id, attachments: [], mentioned_users: [], reply_count: 0, pinned: false,
  silent: false, reaction_counts: {}, reaction_scores: {}, own_reactions: [], created_at: at, updated_at: at, status: 'sent',
});

describe('RichText', () => {
  it('renders markup as text and links only http(s)', () => {
    const { container } = render(<p><RichText text={'<img src=x onerror="alert(1)"> javascript:alert(1) https://example.com/a?b=1. data:text/html,hi'} /></p>);
    expect(container.querySelector('img')).toBeNull();
    const links = [...container.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1']);
    expect(links[0]!.getAttribute('rel')).toContain('noopener');
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(container.textContent).toContain('javascript:alert(1)');
  });

  it('neutralises bidirectional overrides and emphasises mentions', () => {
    const { container } = render(<p><RichText text={'\u202Egnp.exe hi @bob and @bobby'} mentions={['bob']} /></p>);
    expect(container.textContent).not.toContain('\u202E');
    expect([...container.querySelectorAll('strong')].map((s) => s.textContent)).toEqual(['@bob']);
  });

  it('refuses every scheme but http and https', () => {
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x', 'vbscript:x', '//evil.example', 'file:///etc/passwd', 42, undefined]) {
      expect(safeHref(bad)).toBeUndefined();
    }
    expect(safeHref('http://a.example/')).toBe('http://a.example/');
  });
});

describe('the message list rows', () => {
  it('adds date separators, groups by author and time, places the divider and read receipts', () => {
    const list = [
      msg('a', 1, 'alice', '2026-12-02T10:00:00Z'),
      msg('b', 2, 'alice', '2026-12-03T10:00:00Z'),
      msg('c', 3, 'alice', '2026-12-03T10:01:00Z'),
      msg('d', 4, 'bob', '2026-12-03T10:02:00Z'),
      msg('e', 5, 'bob', '2026-12-03T10:20:00Z'),
    ];
    const rows = buildItems(list, 'alice', { bob: { last_read_seq: 3 }, alice: { last_read_seq: 5 } }, 3);
    expect(rows.map((r) => (r.kind === 'message' ? r.key : r.kind))).toEqual(['date', 'a', 'date', 'b', 'c', 'unread', 'd', 'e']);
    const m = (id: string) => rows.find((r) => r.kind === 'message' && r.key === id) as Extract<(typeof rows)[number], { kind: 'message' }>;
    expect([m('b').props.firstOfGroup, m('c').props.firstOfGroup, m('d').props.firstOfGroup, m('e').props.firstOfGroup]).toEqual([true, false, true, true]);
    expect(m('c').props.readBy).toEqual(['bob']);
    expect(m('e').props.readBy).toEqual([]);
    expect(m('d').props.mine).toBe(false);
  });
});

describe('Waveform', () => {
  it('draws one bar per value, clamped, and marks progress', () => {
    const { container } = render(<Waveform data={[0, 0.5, 2, -1]} progress={0.5} />);
    const rects = [...container.querySelectorAll('rect')];
    expect(rects).toHaveLength(4);
    expect(rects.map((r) => r.getAttribute('class'))).toEqual(['played', 'played', null, null]);
    expect(Number(rects[2]!.getAttribute('height'))).toBe(28);
  });
});
