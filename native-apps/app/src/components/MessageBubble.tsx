import type { AttachmentResponse, LocalMessage } from '@chatsdk/client';
import { memo } from 'react';
import Ionicons from '@expo/vector-icons/Ionicons';
import { Image, Linking, Platform, Pressable, StyleSheet, Text, View } from 'react-native';
import Animated, { FadeInDown, ReduceMotion } from 'react-native-reanimated';
import { useScreenReader } from '../hooks';
import { useTheme } from '../theme';
import { Body, Button } from './ui';
import { VoiceNote } from './VoiceNote';

export const REACTIONS: { type: string; emoji: string; name: string }[] = [
  { type: 'like', emoji: '👍', name: 'thumbs up' },
  { type: 'love', emoji: '❤️', name: 'heart' },
  { type: 'haha', emoji: '😂', name: 'laughing' },
  { type: 'wow', emoji: '😮', name: 'surprised' },
  { type: 'sad', emoji: '😢', name: 'sad' },
];

export interface MessageBubbleProps {
  message: LocalMessage;
  own: boolean;
  /** Who has read this message (own messages only; shown on the newest one). */
  seenBy?: string[];
  /** Springs in (new arrivals only; the system's reduced-motion setting turns it off). */
  animate?: boolean;
  reactions?: boolean;
  threads?: boolean;
  onReact?: (message: LocalMessage, type: string) => void;
  onOpenThread?: (message: LocalMessage) => void;
  onRetry?: (message: LocalMessage) => void;
  onDiscard?: (message: LocalMessage) => void;
  onLongPress?: (message: LocalMessage) => void;
}

function Attachment({ a, own }: { a: AttachmentResponse; own: boolean }) {
  const { colors } = useTheme();
  if (a.type === 'voiceRecording' && a.asset_url) return <VoiceNote attachment={a} color={own ? colors.onPrimary : colors.primary} />;
  if (a.type === 'image' && (a.thumb_url || a.image_url)) {
    return (
      <Image
        source={{ uri: a.thumb_url ?? a.image_url }}
        accessibilityRole="image"
        accessibilityLabel={a.title ? `Image: ${a.title}` : 'Image'}
        style={styles.image}
        resizeMode="cover"
      />
    );
  }
  const url = a.asset_url;
  return (
    <Pressable accessibilityRole="link" accessibilityLabel={`File: ${a.title ?? 'attachment'}`} onPress={() => url && void Linking.openURL(url)}>
      <Text style={{ color: own ? colors.onPrimary : colors.primary, textDecorationLine: 'underline' }}>{a.title ?? 'attachment'}</Text>
    </Pressable>
  );
}

function Bubble({ message, own, seenBy, animate, reactions = true, threads = true, onReact, onOpenThread, onRetry, onDiscard, onLongPress }: MessageBubbleProps) {
  const { colors } = useTheme();
  const screenReader = useScreenReader();
  const deleted = message.type === 'deleted' || !!message.deleted_at;
  const author = (message as { user?: { name?: string } }).user?.name ?? message.user_id;
  const counts = Object.entries(message.reaction_counts ?? {}).filter(([, n]) => n > 0);
  const mine = new Set((message.own_reactions ?? []).map((r) => r.type));
  const bubbleColor = own ? colors.primary : colors.surface;
  const textColor = own ? colors.onPrimary : colors.text;
  const body = (
    <View style={[styles.wrap, own ? styles.own : styles.other]} testID={`message-${message.id}`}>
      {!own && <Text style={[styles.author, { color: colors.muted }]}>{author}</Text>}
      <View style={[styles.line, own && styles.lineOwn]}>
        <Pressable
          // not one accessible element: a screen reader reaches the text, the voice note's button and file links inside
          accessible={false}
          onLongPress={onLongPress ? () => onLongPress(message) : undefined}
          style={[styles.bubble, { backgroundColor: bubbleColor }]}
          testID={`bubble-${message.id}`}
        >
          {deleted ? (
            <Text style={[styles.text, { color: textColor, fontStyle: 'italic' }]}>This message was deleted.</Text>
          ) : (
            <>
              {!!message.text && <Text style={[styles.text, { color: textColor }]} selectable>{message.text}</Text>}
              {(message.attachments ?? []).map((a, i) => <Attachment key={i} a={a} own={own} />)}
            </>
          )}
        </Pressable>
        {onLongPress && (Platform.OS === 'web' || screenReader) && !deleted && message.status === 'sent' && (
          // the same menu from a button: on the web, where nobody long-presses, and for screen-reader users
          <Pressable accessibilityRole="button" accessibilityLabel={`Actions for ${own ? 'your message' : `${author}'s message`}`} onPress={() => onLongPress(message)} style={styles.more} hitSlop={4}>
            <Ionicons name="ellipsis-horizontal" size={18} color={colors.muted} />
          </Pressable>
        )}
      </View>
      {reactions && counts.length > 0 && (
        <View style={styles.reactions}>
          {counts.map(([type, n]) => {
            const r = REACTIONS.find((x) => x.type === type);
            return (
              <Pressable
                key={type}
                accessibilityRole="button"
                accessibilityLabel={`${r?.name ?? type}: ${n}${mine.has(type) ? ', including yours' : ''}`}
                {...(Platform.OS === 'web' ? ({ 'aria-pressed': mine.has(type) } as object) : { accessibilityState: { selected: mine.has(type) } })}
                onPress={() => onReact?.(message, type)}
                style={[styles.reaction, { borderColor: mine.has(type) ? colors.primary : colors.muted, backgroundColor: colors.background }]}
              >
                <Text style={{ color: colors.text }}>{r?.emoji ?? type} {n}</Text>
              </Pressable>
            );
          })}
        </View>
      )}
      {threads && message.reply_count > 0 && (
        <Button kind="plain" label={`${message.reply_count} ${message.reply_count === 1 ? 'reply' : 'replies'}`} onPress={() => onOpenThread?.(message)} />
      )}
      {message.status === 'failed' && (
        <View style={styles.row}>
          <Text style={{ color: colors.danger }} accessibilityRole="alert">Not sent{message.error ? ` (${message.error.code})` : ''}.</Text>
          <Button kind="plain" label="Retry" onPress={() => onRetry?.(message)} />
          <Button kind="danger" label="Discard" onPress={() => onDiscard?.(message)} />
        </View>
      )}
      {message.status === 'pending' && <Body muted style={styles.meta}>Sending…</Body>}
      {own && seenBy && seenBy.length > 0 && <Body muted style={styles.meta} testID="read-receipt">Seen by {seenBy.join(', ')}</Body>}
    </View>
  );
  if (!animate) return body;
  return <Animated.View entering={FadeInDown.springify().damping(18).reduceMotion(ReduceMotion.System)}>{body}</Animated.View>;
}

export const MessageBubble = memo(Bubble);

const styles = StyleSheet.create({
  wrap: { marginVertical: 4, marginHorizontal: 12, maxWidth: '85%' },
  own: { alignSelf: 'flex-end', alignItems: 'flex-end' },
  other: { alignSelf: 'flex-start', alignItems: 'flex-start' },
  author: { fontSize: 13, marginBottom: 2 },
  bubble: { borderRadius: 16, paddingVertical: 8, paddingHorizontal: 12, gap: 6 },
  text: { fontSize: 16, lineHeight: 22 },
  image: { width: 200, height: 150, borderRadius: 10 },
  reactions: { flexDirection: 'row', flexWrap: 'wrap', gap: 4, marginTop: 4 },
  reaction: { borderWidth: 1, borderRadius: 12, paddingHorizontal: 8, paddingVertical: 2, minHeight: 28, justifyContent: 'center' },
  row: { flexDirection: 'row', alignItems: 'center', gap: 4 },
  line: { flexDirection: 'row', alignItems: 'center', gap: 4 },
  lineOwn: { flexDirection: 'row-reverse' },
  more: { minWidth: 32, minHeight: 32, alignItems: 'center', justifyContent: 'center' },
  meta: { fontSize: 13 },
});
