import { Modal, Pressable, StyleSheet, Text, View } from 'react-native';
import { useTheme } from '../theme';
import { REACTIONS } from './MessageBubble';
import { Button } from './ui';

/** What a long press on a message offers: a reaction, a reply in a thread, blocking its author. */
export function ReactionPicker({ onPick, onReply, onBlock, author, onClose }: { onPick: (type: string) => void; onReply?: (() => void) | undefined; onBlock?: (() => void) | undefined; author: string; onClose: () => void }) {
  const { colors } = useTheme();
  return (
    <Modal transparent animationType="fade" onRequestClose={onClose} accessibilityViewIsModal>
      <View style={styles.fill}>
        {/* the scrim beside the menu, not around it, so that screen readers reach the menu's items */}
        <Pressable style={[StyleSheet.absoluteFill, styles.scrim]} onPress={onClose} accessibilityLabel="Close" accessibilityRole="button" />
        <View style={[styles.sheet, { backgroundColor: colors.background, borderColor: colors.muted }]} accessibilityRole="menu">
          <View style={styles.row}>
            {REACTIONS.map((r) => (
              <Pressable key={r.type} accessibilityRole="menuitem" accessibilityLabel={`React with ${r.name}`} onPress={() => onPick(r.type)} style={styles.emoji} hitSlop={4}>
                <Text style={styles.emojiText}>{r.emoji}</Text>
              </Pressable>
            ))}
          </View>
          {onReply && <Button kind="plain" label="Reply in thread" onPress={onReply} />}
          {onBlock && <Button kind="danger" label={`Block ${author}`} onPress={onBlock} />}
        </View>
      </View>
    </Modal>
  );
}

const styles = StyleSheet.create({
  fill: { flex: 1, justifyContent: 'flex-end' },
  scrim: { backgroundColor: 'rgba(0,0,0,0.35)' },
  sheet: { margin: 12, padding: 12, borderRadius: 16, borderWidth: StyleSheet.hairlineWidth, gap: 8 },
  row: { flexDirection: 'row', justifyContent: 'space-around' },
  emoji: { minWidth: 44, minHeight: 44, alignItems: 'center', justifyContent: 'center' },
  emojiText: { fontSize: 28 },
});
