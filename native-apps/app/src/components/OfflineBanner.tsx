import type { ChatClient } from '@chatsdk/client';
import { StyleSheet, Text, View } from 'react-native';
import { useClientState } from '../hooks';
import { useTheme } from '../theme';

/** Says when the app is offline or catching up, and how many sends wait; nothing while all is well. */
export function OfflineBanner({ client, syncing = false }: { client: ChatClient; syncing?: boolean }) {
  const { connection, pendingCount } = useClientState(client);
  const { colors } = useTheme();
  const waiting = pendingCount > 0 ? ` ${pendingCount} ${pendingCount === 1 ? 'message waits' : 'messages wait'} to send.` : '';
  let text: string | undefined;
  if (connection === 'offline' || connection === 'disconnected') text = `Offline: showing what this device has.${waiting}`;
  else if (connection === 'connecting') text = `Connecting… Showing what this device has.${waiting}`;
  else if (syncing) text = 'Catching up…';
  else if (waiting) text = waiting.trim();
  if (!text) return null;
  return (
    <View testID="offline-banner" role="status" accessibilityLiveRegion="polite" style={[styles.banner, { backgroundColor: colors.surface, borderColor: colors.muted }]}>
      <Text style={[styles.text, { color: colors.text }]}>{text}</Text>
    </View>
  );
}

const styles = StyleSheet.create({
  banner: { paddingVertical: 8, paddingHorizontal: 12, borderBottomWidth: StyleSheet.hairlineWidth },
  text: { fontSize: 14 },
});
