import { useState, type ReactNode } from 'react';
import type { AttachmentResponse, LocalMessage } from '@chatsdk/client';
import { useChannel, useChannelState, useChatContext, type MessageProps } from './context.js';
import { useComposerContext } from './composer-context.js';
import { RichText, safeHref } from './text.js';
import { VoiceMessage } from './voice.js';

/** The reaction types the picker offers, with how they show. Other types show by name. */
export const REACTIONS: Readonly<Record<string, string>> = { like: '👍', love: '❤️', haha: '😂', wow: '😮', sad: '😢', angry: '😠' };

export function Avatar({ userId, size = 28 }: { userId: string; size?: number }) {
  const initial = [...userId][0]?.toUpperCase() ?? '?';
  let hue = 0;
  for (const ch of userId) hue = (hue * 31 + ch.codePointAt(0)!) % 360;
  return (
    <span className="chatsdk-avatar" aria-hidden="true" style={{ width: size, height: size, lineHeight: `${size}px`, background: `hsl(${hue} 55% 45%)` }}>
      {initial}
    </span>
  );
}

export function DateSeparator({ date }: { date: Date }) {
  return (
    <div className="chatsdk-date-separator" role="separator">
      <span>{date.toLocaleDateString(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' })}</span>
    </div>
  );
}

/** Reaction counts as toggle buttons, and a picker for a new one. */
export function Reactions({ message }: { message: LocalMessage }) {
  const channel = useChannel();
  const [open, setOpen] = useState(false);
  if (!channel || message.status !== 'sent' || message.type === 'deleted') return null;
  const own = new Set(message.own_reactions.map((r) => r.type));
  const toggle = (type: string) => {
    setOpen(false);
    void (own.has(type) ? channel.deleteReaction(message.id, type) : channel.sendReaction(message.id, { type }, { enforce_unique: true })).catch(() => undefined);
  };
  const counts = Object.entries(message.reaction_counts).filter(([, n]) => n > 0);
  return (
    <div className="chatsdk-reactions">
      {counts.map(([type, n]) => (
        <button key={type} type="button" className="chatsdk-reaction" aria-pressed={own.has(type)} aria-label={`${type}: ${n}`} onClick={() => toggle(type)}>
          <span aria-hidden="true">{REACTIONS[type] ?? type}</span> {n}
        </button>
      ))}
      <button type="button" className="chatsdk-reaction-add" aria-label="Add reaction" aria-expanded={open} onClick={() => setOpen(!open)}>
        +
      </button>
      {open && (
        <div
          className="chatsdk-reaction-picker"
          role="menu"
          aria-label="Reactions"
          onKeyDown={(e) => {
            const items = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
            const at = items.indexOf(document.activeElement as HTMLButtonElement);
            if (e.key === 'Escape') setOpen(false);
            else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') items[(at + 1) % items.length]?.focus();
            else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') items[(at - 1 + items.length) % items.length]?.focus();
            else return;
            e.preventDefault();
          }}
        >
          {Object.entries(REACTIONS).map(([type, emoji], i) => (
            <button key={type} type="button" role="menuitem" aria-label={type} autoFocus={i === 0} onClick={() => toggle(type)}>
              {emoji}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function Attachments({ list }: { list: AttachmentResponse[] }) {
  if (list.length === 0) return null;
  return (
    <div className="chatsdk-attachments">
      {list.map((a, i) => {
        const href = safeHref(a.asset_url ?? a.image_url);
        if (a.type === 'voiceRecording' && href) return <VoiceMessage key={i} attachment={a} />;
        if (a.type === 'image') {
          const src = safeHref(a.thumb_url ?? a.image_url);
          return src ? (
            <a key={i} href={safeHref(a.image_url) ?? src} target="_blank" rel="noopener noreferrer">
              <img className="chatsdk-attachment-image" src={src} alt={a.title ?? 'image'} loading="lazy" />
            </a>
          ) : null;
        }
        return href ? (
          <a key={i} className="chatsdk-attachment-file" href={href} target="_blank" rel="noopener noreferrer" download>
            📎 {a.title ?? 'file'}
          </a>
        ) : (
          <span key={i} className="chatsdk-attachment-file">📎 {a.title ?? 'file'}</span>
        );
      })}
    </div>
  );
}

function time(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** One message: author, text (as text, never HTML), attachments, reactions, status, actions and read receipt. */
export function Message({ message, firstOfGroup, mine, readBy, inThread }: MessageProps) {
  const channel = useChannel();
  const state = useChannelState(channel);
  const { components, setThread } = useChatContext();
  const composer = useComposerContext();
  const AvatarC = components.Avatar ?? Avatar;
  const deleted = message.type === 'deleted';
  const quoted = message.quoted_message_id ? state?.messages.find((m) => m.id === message.quoted_message_id) : undefined;
  let body: ReactNode;
  if (deleted) body = <em className="chatsdk-message-deleted">This message was deleted.</em>;
  else body = <RichText text={message.text} mentions={message.mentioned_users} />;
  return (
    <div
      className={`chatsdk-message${mine ? ' chatsdk-message-mine' : ''}${firstOfGroup ? ' chatsdk-message-first' : ''}`}
      role="article"
      aria-label={`${message.user_id}, ${time(message.created_at)}`}
      data-message-id={message.id}
      data-seq={message.seq}
      data-status={message.status}
    >
      {firstOfGroup && (
        <div className="chatsdk-message-meta">
          <AvatarC userId={message.user_id} />
          <span className="chatsdk-message-author">{message.user_id}</span>
          <time dateTime={message.created_at}>{time(message.created_at)}</time>
        </div>
      )}
      <div className="chatsdk-message-bubble">
        {message.quoted_message_id && (
          <blockquote className="chatsdk-quote">{quoted ? <><strong>{quoted.user_id}</strong> {quoted.text}</> : 'Quoted message'}</blockquote>
        )}
        <div className="chatsdk-message-text" dir="auto">{body}</div>
        {!deleted && <Attachments list={message.attachments} />}
        {message.message_text_updated_at && !deleted && <span className="chatsdk-edited">(edited)</span>}
      </div>
      {message.status === 'pending' && <span className="chatsdk-status" role="status">Sending…</span>}
      {message.status === 'failed' && (
        <span className="chatsdk-status chatsdk-status-failed" role="alert">
          Not sent{message.error ? ` (${message.error.code})` : ''}.{' '}
          <button type="button" onClick={() => void channel?.retry(message.id).catch(() => undefined)}>Retry</button>{' '}
          <button type="button" onClick={() => void channel?.discard(message.id)}>Discard</button>
        </span>
      )}
      {!deleted && <Reactions message={message} />}
      {message.status === 'sent' && !deleted && (
        <div className="chatsdk-message-actions">
          {!inThread && (
            <button type="button" onClick={() => setThread(message)}>
              {message.reply_count > 0 ? `${message.reply_count} ${message.reply_count === 1 ? 'reply' : 'replies'}` : 'Reply in thread'}
            </button>
          )}
          {composer && !inThread && <button type="button" onClick={() => composer.setQuoting(message)}>Quote</button>}
          {composer && mine && <button type="button" onClick={() => composer.setEditing(message)}>Edit</button>}
          {mine && <button type="button" onClick={() => void channel?.deleteMessage(message.id).catch(() => undefined)}>Delete</button>}
        </div>
      )}
      {mine && readBy.length > 0 && <div className="chatsdk-read-receipt">Seen by {readBy.join(', ')}</div>}
    </div>
  );
}
