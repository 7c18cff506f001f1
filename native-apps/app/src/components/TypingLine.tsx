import type { TypingState } from '@chatsdk/client';
import { StyleSheet } from 'react-native';
import { Body } from './ui';

/** "bob is typing…" for the channel, or for one thread. */
export function typingText(typing: Readonly<Record<string, TypingState>>, parentId?: string, now = Date.now()): string {
  const who = Object.values(typing).filter((t) => t.expires > now && (parentId ? t.parent_id === parentId : !t.parent_id)).map((t) => t.user_id).sort();
  if (who.length === 0) return '';
  if (who.length === 1) return `${who[0]} is typing…`;
  if (who.length === 2) return `${who[0]} and ${who[1]} are typing…`;
  return `${who.length} people are typing…`;
}

export function TypingLine({ typing, parentId }: { typing: Readonly<Record<string, TypingState>>; parentId?: string | undefined }) {
  const text = typingText(typing, parentId);
  return <Body muted style={styles.line} accessibilityLiveRegion="polite" testID="typing">{text}</Body>;
}

const styles = StyleSheet.create({ line: { paddingHorizontal: 16, minHeight: 20, fontSize: 13 } });
