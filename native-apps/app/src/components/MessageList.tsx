import type { LocalMessage, ReadState } from '@chatsdk/client';
import { useRef } from 'react';
import { FlatList, StyleSheet, View } from 'react-native';
import { MessageBubble, type MessageBubbleProps } from './MessageBubble';
import { Body } from './ui';

export interface MessageListProps {
  messages: LocalMessage[];
  me: string;
  reads: Readonly<Record<string, ReadState>>;
  /** A message shown above the list (a thread's parent). */
  header?: LocalMessage | undefined;
  hasOlder?: boolean;
  onLoadOlder?: () => void;
  bubble?: Omit<MessageBubbleProps, 'message' | 'own' | 'seenBy' | 'animate'>;
}

/** Who has read up to `seq`, the current user left out. */
export function readers(reads: Readonly<Record<string, ReadState>>, seq: number, me: string): string[] {
  return Object.values(reads).filter((r) => r.user_id !== me && r.last_read_seq >= seq).map((r) => r.user_id).sort();
}

/** Newest at the bottom (an inverted list); scrolling up loads older messages. New arrivals spring in. */
export function MessageList({ messages, me, reads, header, hasOlder, onLoadOlder, bubble }: MessageListProps) {
  // what was there at first paint does not animate; what arrives later does
  const initial = useRef<Set<string> | undefined>(undefined);
  if (initial.current === undefined && messages.length) initial.current = new Set(messages.map((m) => m.id));
  const newestOwnSent = [...messages].reverse().find((m) => m.user_id === me && m.seq > 0);
  const data = [...messages].reverse();
  return (
    <FlatList
      style={styles.list}
      inverted
      data={data}
      keyExtractor={(m) => m.id}
      accessibilityLabel="Messages"
      testID="message-list"
      renderItem={({ item }) => (
        <MessageBubble
          message={item}
          own={item.user_id === me}
          animate={!!initial.current && !initial.current.has(item.id)}
          seenBy={item.id === newestOwnSent?.id ? readers(reads, item.seq, me) : undefined}
          {...bubble}
        />
      )}
      onEndReached={hasOlder ? onLoadOlder : undefined}
      onEndReachedThreshold={0.3}
      ListFooterComponent={header ? (
        <View style={styles.header}>
          <MessageBubble message={header} own={header.user_id === me} reactions={bubble?.reactions} threads={false} />
        </View>
      ) : undefined}
      ListEmptyComponent={!header ? <Body muted style={styles.empty}>No messages yet. Say hello.</Body> : undefined}
    />
  );
}

const styles = StyleSheet.create({
  list: { flex: 1 },
  header: { paddingBottom: 8 },
  // the list is inverted, so its empty text is flipped back
  empty: { padding: 24, textAlign: 'center', transform: [{ scaleY: -1 }] },
});
