import { useEffect, useState, type ReactNode } from 'react';
import type { Channel as ChannelObject } from '@chatsdk/client';
import { ChannelProvider, useChannel, useChannelState, useChatContext } from './context.js';
import { ComposerState, MessageComposer } from './composer.js';
import { Message } from './message.js';
import { TypingIndicator } from './lists.js';

/**
 * Shows one channel (the `channel` prop, or the active one): watches it, shows cached state first, and marks it read
 * while it is shown and the window has focus.
 */
export function Channel({ channel, children, markRead = true }: { channel?: ChannelObject; children: ReactNode; markRead?: boolean }) {
  const { active } = useChatContext();
  const ch = channel ?? active;
  const [error, setError] = useState<string | undefined>();
  const state = useChannelState(ch);
  useEffect(() => {
    if (!ch) return;
    setError(undefined);
    ch.watch().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [ch]);
  const unread = state?.unreadCount ?? 0;
  useEffect(() => {
    if (!ch || !markRead || unread === 0 || state?.fromCache) return;
    const read = () => {
      if (typeof document === 'undefined' || document.hasFocus()) void ch.markRead().catch(() => undefined);
    };
    const t = setTimeout(read, 500);
    window.addEventListener('focus', read);
    return () => { clearTimeout(t); window.removeEventListener('focus', read); };
  }, [ch, markRead, unread, state?.fromCache]);
  if (!ch) {
    return <div className="chatsdk-channel chatsdk-channel-empty">Pick a channel.</div>;
  }
  return (
    <ChannelProvider value={ch}>
      {/* keyed by channel: a draft, its uploads, a quote or an edit never follow the reader into another channel */}
      <ComposerState key={ch.cid}>
        <section className="chatsdk-channel" aria-label={`Channel ${ch.id}`} data-cid={ch.cid} data-from-cache={state?.fromCache ? 'true' : undefined}>
          {error && <p className="chatsdk-channel-error" role="alert">{error}</p>}
          {children}
        </section>
      </ComposerState>
    </ChannelProvider>
  );
}

/** The open thread: its parent message, its replies (loaded when it opens) and a composer for replies. */
export function Thread() {
  const { thread, setThread, client } = useChatContext();
  const channel = useChannel();
  const state = useChannelState(channel);
  useEffect(() => {
    if (thread && channel) void channel.getReplies(thread.id, { limit: 100 }).catch(() => undefined);
  }, [thread?.id, channel]);
  if (!thread || !channel) return null;
  const parent = state?.messages.find((m) => m.id === thread.id) ?? thread;
  const replies = state?.threads[thread.id] ?? [];
  return (
    <aside className="chatsdk-thread" aria-label="Thread">
      <header className="chatsdk-thread-header">
        <h3>Thread</h3>
        <button type="button" aria-label="Close thread" onClick={() => setThread(undefined)}>×</button>
      </header>
      <div className="chatsdk-thread-body" role="log" aria-label="Replies">
        <Message message={parent} firstOfGroup mine={parent.user_id === client.userID} readBy={[]} inThread />
        <div className="chatsdk-thread-count">{replies.length} {replies.length === 1 ? 'reply' : 'replies'}</div>
        {replies.map((m, i) => (
          <Message key={m.id} message={m} firstOfGroup={replies[i - 1]?.user_id !== m.user_id} mine={m.user_id === client.userID} readBy={[]} inThread />
        ))}
      </div>
      <TypingIndicator parentId={thread.id} />
      <MessageComposer parentId={thread.id} placeholder="Reply in thread" />
    </aside>
  );
}
