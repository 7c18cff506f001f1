import { useCallback, useEffect, useMemo, useRef, useState, type ComponentType, type KeyboardEvent } from "react";
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import type { Channel as ChannelObject, LocalMessage, Schemas } from '@chatsdk/client';
import { useChannel, useChannelState, useChatContext, useClientState, type MessageProps } from './context.js';
import { DateSeparator as DefaultDateSeparator, Message as DefaultMessage } from './message.js';

type Item =
  | { kind: 'date'; key: string; date: Date }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; props: MessageProps };

const GROUP_MS = 5 * 60_000;
const FIRST_INDEX = 10_000_000;

/** Turns messages into list rows: date separators, the new-messages divider, grouping and read receipts. */
export function buildItems(messages: LocalMessage[], me: string | undefined, reads: Record<string, { last_read_seq: number }>, unreadAfter: number | undefined, inThread = false): Item[] {
  const readBy = new Map<string, string[]>();
  const sentSeqs = messages.filter((m) => m.seq > 0).map((m) => m.seq);
  for (const [user, r] of Object.entries(reads)) {
    if (user === me) continue;
    let at = 0;
    for (const s of sentSeqs) if (s <= r.last_read_seq) at = s;
    if (at) readBy.set(String(at), [...(readBy.get(String(at)) ?? []), user]);
  }
  const items: Item[] = [];
  let prev: LocalMessage | undefined;
  let dividerPlaced = false;
  for (const m of messages) {
    const day = new Date(m.created_at).toDateString();
    if (!prev || new Date(prev.created_at).toDateString() !== day) items.push({ kind: 'date', key: `date-${day}`, date: new Date(m.created_at) });
    if (!dividerPlaced && unreadAfter !== undefined && m.seq > unreadAfter && m.user_id !== me) {
      items.push({ kind: 'unread', key: 'unread' });
      dividerPlaced = true;
    }
    const firstOfGroup = !prev || prev.user_id !== m.user_id || Date.parse(m.created_at) - Date.parse(prev.created_at) > GROUP_MS || prev.type === 'system';
    items.push({ kind: 'message', key: m.id, props: { message: m, firstOfGroup, mine: m.user_id === me, readBy: readBy.get(String(m.seq)) ?? [], inThread } });
    prev = m;
  }
  return items;
}

/**
 * The channel's messages, virtualized (react-virtuoso): it follows new messages when at the bottom, loads older ones
 * by seq when scrolled to the top, and offers a jump to the first unread message.
 */
export function MessageList({ Message }: { Message?: ComponentType<MessageProps> }) {
  const channel = useChannel();
  const state = useChannelState(channel);
  const { client, components } = useChatContext();
  const MessageC = Message ?? components.Message ?? DefaultMessage;
  const DateSep = components.DateSeparator ?? DefaultDateSeparator;
  const virtuoso = useRef<VirtuosoHandle>(null);
  // the read marker when the channel opened: the divider stays where it was while the user reads
  const [unreadAfter, setUnreadAfter] = useState<number | undefined>(undefined);
  useEffect(() => setUnreadAfter(undefined), [channel]);
  useEffect(() => {
    if (state && unreadAfter === undefined && !state.fromCache && state.channel) setUnreadAfter(state.unreadCount > 0 ? state.lastReadSeq : Infinity);
  }, [state, unreadAfter]);
  const items = useMemo(() => buildItems(state?.messages ?? [], client.userID, state?.reads ?? {}, unreadAfter), [state?.messages, state?.reads, client.userID, unreadAfter]);

  // keep the scroll position when older messages are put in front
  // keep the scroll position when older messages are put in front: the first index drops by the rows added before
  // the message that was first
  const firstKey = useRef<string | undefined>(undefined);
  const firstAt = useRef(0);
  const firstIndex = useRef(FIRST_INDEX);
  const firstMessageAt = items.findIndex((i) => i.kind === 'message');
  const firstMessage = firstMessageAt >= 0 ? items[firstMessageAt]?.key : undefined;
  if (firstKey.current && firstMessage !== firstKey.current) {
    const at = items.findIndex((i) => i.key === firstKey.current);
    if (at > firstAt.current) firstIndex.current -= at - firstAt.current;
  }
  firstKey.current = firstMessage;
  firstAt.current = Math.max(0, firstMessageAt);

  // follow new messages while the reader is at the bottom (decided before they arrive, so that a burst or a tall
  // message does not leave the list stranded halfway)
  const stick = useRef(true);
  const count = items.length;
  useEffect(() => {
    if (!stick.current || count === 0) return;
    virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end' });
    // tall items are measured after they render: settle at the bottom once more
    const t = requestAnimationFrame(() => { if (stick.current) virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end' }); });
    return () => cancelAnimationFrame(t);
  }, [count]);
  useEffect(() => { stick.current = true; }, [channel]);

  const loading = useRef(false);
  const startReached = useCallback(() => {
    if (!channel || loading.current || !channel.state.getSnapshot().hasOlder) return;
    loading.current = true;
    void channel.loadOlder(50).catch(() => undefined).finally(() => (loading.current = false));
  }, [channel]);

  if (!channel || !state) return null;
  const unreadIndex = items.findIndex((i) => i.kind === 'unread');
  return (
    <div
      className="chatsdk-message-list"
      role="log"
      aria-live="polite"
      aria-label="Messages"
      aria-busy={state.syncing}
      onWheel={(e) => { if (e.deltaY < 0) stick.current = false; }}
      onTouchMove={() => (stick.current = false)}
      onKeyDown={(e) => { if (['PageUp', 'ArrowUp', 'Home'].includes(e.key)) stick.current = false; }}
    >
      {unreadIndex >= 0 && (
        <button type="button" className="chatsdk-jump-unread" onClick={() => { stick.current = false; virtuoso.current?.scrollToIndex({ index: unreadIndex, align: 'start' }); }}>
          Jump to first unread
        </button>
      )}
      {items.length === 0 ? (
        <p className="chatsdk-empty">No messages yet.</p>
      ) : (
        <Virtuoso
          ref={virtuoso}
          className="chatsdk-virtuoso"
          data={items}
          firstItemIndex={firstIndex.current}
          initialTopMostItemIndex={items.length - 1}
          computeItemKey={(_, item) => item.key}
          followOutput={() => (stick.current ? 'auto' : false)}
          atBottomThreshold={120}
          atBottomStateChange={(atBottom) => {
            // only the reader unsticks the list (by scrolling up); content growing below does not
            if (atBottom) stick.current = true;
          }}
          startReached={startReached}
          increaseViewportBy={{ top: 400, bottom: 200 }}
          // a first guess at a row's height lets the first paint skip a measuring pass
          defaultItemHeight={56}
          itemContent={(_, item) =>
            item.kind === 'date' ? (
              <DateSep date={item.date} />
            ) : item.kind === 'unread' ? (
              <div className="chatsdk-unread-divider" role="separator">New messages</div>
            ) : (
              <MessageC {...item.props} />
            )
          }
        />
      )}
    </div>
  );
}

/** Who is typing in the channel (or in a thread, with `parentId`). */
export function TypingIndicator({ parentId }: { parentId?: string }) {
  const channel = useChannel();
  const state = useChannelState(channel);
  const who = Object.values(state?.typing ?? {}).filter((t) => (parentId ? t.parent_id === parentId : !t.parent_id)).map((t) => t.user_id);
  const text = who.length === 0 ? '' : who.length === 1 ? `${who[0]} is typing…` : `${who.slice(0, -1).join(', ')} and ${who.at(-1)} are typing…`;
  return <div className="chatsdk-typing" aria-live="polite">{text}</div>;
}

/** Says when the client is offline, connecting or catching up; nothing when all is well. */
export function ConnectionStatus() {
  const { connection, pendingCount } = useClientState();
  const channel = useChannel();
  const state = useChannelState(channel);
  let text = '';
  if (connection === 'offline') text = pendingCount > 0 ? `Offline: ${pendingCount} message${pendingCount === 1 ? '' : 's'} will be sent when you are back.` : 'Offline: reconnecting…';
  else if (connection === 'connecting') text = 'Connecting…';
  else if (connection === 'disconnected') text = 'Disconnected.';
  else if (state?.syncing) text = 'Catching up…';
  return (
    <div className="chatsdk-connection-status" role="status" data-state={state?.syncing && connection === 'online' ? 'syncing' : connection} hidden={!text}>
      {text}
    </div>
  );
}

function channelName(c: Schemas['Channel'] | undefined, members: { user_id: string }[], me: string | undefined, fallback: string): string {
  if (c?.name) return c.name;
  const others = members.map((m) => m.user_id).filter((u) => u !== me);
  return others.length ? others.join(', ') : fallback;
}

/** The channel's name (or its other members), member count and connection state. */
export function ChannelHeader() {
  const channel = useChannel();
  const state = useChannelState(channel);
  const { client } = useChatContext();
  if (!channel || !state) return null;
  return (
    <header className="chatsdk-channel-header">
      <h2>{channelName(state.channel, state.members, client.userID, channel.id)}</h2>
      <span className="chatsdk-member-count">{state.channel?.member_count ?? state.members.length} members</span>
    </header>
  );
}

function ChannelPreview({ channel, selected, onSelect, tabIndex }: { channel: ChannelObject; selected: boolean; onSelect: () => void; tabIndex: number }) {
  const state = useChannelState(channel);
  const { client } = useChatContext();
  const last = state?.messages.at(-1);
  const name = channelName(state?.channel, state?.members ?? [], client.userID, channel.id);
  const unread = state?.unreadCount ?? 0;
  return (
    <li
      role="option"
      aria-selected={selected}
      tabIndex={tabIndex}
      className={`chatsdk-channel-preview${selected ? ' chatsdk-selected' : ''}`}
      data-cid={channel.cid}
      onClick={onSelect}
      onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(); } }}
    >
      <span className="chatsdk-channel-name">{name}</span>
      {unread > 0 && <span className="chatsdk-badge" aria-label={`${unread} unread`}>{unread}</span>}
      <span className="chatsdk-channel-last">{last ? (last.type === 'deleted' ? 'Message deleted' : last.text || (last.attachments.length ? '📎 Attachment' : '')) : ''}</span>
    </li>
  );
}

const lastActivity = (c: ChannelObject) => {
  const s = c.state.getSnapshot();
  return Date.parse(s.messages.at(-1)?.created_at ?? s.channel?.last_message_at ?? s.channel?.created_at ?? '') || 0;
};

/**
 * The user's channels (GetStream's filters, sort and options), newest activity first, re-ordered live as messages
 * arrive, with unread badges. Arrow keys move between channels; Enter opens one.
 */
export function ChannelList({ filters, sort = [{ field: 'last_message_at', direction: -1 }], options = {}, onSelect }: {
  filters: Record<string, unknown>;
  sort?: Schemas['SortField'][];
  options?: { limit?: number; message_limit?: number };
  onSelect?: (c: ChannelObject) => void;
}) {
  const { client, active, setActive } = useChatContext();
  const [channels, setChannels] = useState<ChannelObject[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [focus, setFocus] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const key = JSON.stringify([filters, sort, options]);

  useEffect(() => {
    let live = true;
    const load = () =>
      client.queryChannels(filters, sort, { message_limit: 25, ...options }).then(
        (list) => { if (live) { setChannels(list); setError(undefined); } },
        (e: unknown) => { if (live) setError(e instanceof Error ? e.message : String(e)); },
      );
    void load();
    const reorder = () => setChannels((list) => [...list].sort((a, b) => lastActivity(b) - lastActivity(a)));
    const subs = [
      client.on('message.new', reorder),
      client.on('notification.message_new', reorder),
      client.on('notification.added_to_channel', () => void load()),
      client.on('notification.removed_from_channel', (e) => setChannels((list) => list.filter((c) => c.cid !== e.cid))),
    ];
    return () => { live = false; subs.forEach((s) => s.unsubscribe()); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key]);

  const choose = (c: ChannelObject) => {
    setActive(c);
    onSelect?.(c);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const next = Math.max(0, Math.min(channels.length - 1, focus + (e.key === 'ArrowDown' ? 1 : -1)));
    setFocus(next);
    (listRef.current?.children[next] as HTMLElement | undefined)?.focus();
  };
  return (
    <nav className="chatsdk-channel-list" aria-label="Channels">
      {error && <p role="alert">{error}</p>}
      <ul role="listbox" aria-label="Channels" ref={listRef} onKeyDown={onKeyDown}>
        {channels.map((c, i) => (
          <ChannelPreview key={c.cid} channel={c} selected={active?.cid === c.cid} onSelect={() => { setFocus(i); choose(c); }} tabIndex={i === focus ? 0 : -1} />
        ))}
      </ul>
    </nav>
  );
}
