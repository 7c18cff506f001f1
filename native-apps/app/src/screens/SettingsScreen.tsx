import { useCallback, useEffect, useState } from 'react';
import { Platform, ScrollView, StyleSheet, Switch, View } from 'react-native';
import { useChat, useClient } from '../chat';
import type { Appearance } from '../theme';
import { useTheme } from '../theme';
import { Body, Button, ErrorText, Heading } from '../components/ui';

const LOOKS: { value: Appearance; label: string }[] = [
  { value: 'system', label: 'As the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function SettingsScreen() {
  const client = useClient();
  const { colors } = useTheme();
  const { appearance, setAppearance, push, setPush, signOut, session } = useChat();
  const [blocked, setBlocked] = useState<string[]>();
  const [error, setError] = useState<string>();

  const loadBlocked = useCallback(async () => {
    try {
      setBlocked((await client.getBlockedUsers()).blocked_user_ids);
    } catch {
      setError('The blocked users could not be loaded.');
    }
  }, [client]);

  useEffect(() => void loadBlocked(), [loadBlocked]);

  return (
    <ScrollView style={{ backgroundColor: colors.background }} contentContainerStyle={styles.content}>
      <Body muted>Signed in as {session?.userId}</Body>
      {error && <ErrorText>{error}</ErrorText>}

      <Heading style={styles.h}>Notifications</Heading>
      <View style={styles.row}>
        <Body style={styles.grow}>New messages</Body>
        <Switch
          accessibilityLabel="Notifications for new messages"
          value={!!push?.registered}
          onValueChange={(on) => void setPush(on)}
          disabled={Platform.OS === 'web'}
          trackColor={{ true: colors.primary }}
        />
      </View>
      {push && !push.registered && <Body muted>{push.reason}</Body>}
      {Platform.OS === 'web' && <Body muted>Notifications come to the mobile apps.</Body>}

      <Heading style={styles.h}>Appearance</Heading>
      <View accessibilityRole="radiogroup" style={styles.group}>
        {LOOKS.map((l) => (
          <Button
            key={l.value}
            kind={appearance === l.value ? 'primary' : 'plain'}
            label={l.label}
            accessibilityRole="radio"
            aria-checked={appearance === l.value}
            onPress={() => setAppearance(l.value)}
          />
        ))}
      </View>

      <Heading style={styles.h}>Blocked users</Heading>
      {blocked?.length === 0 && <Body muted>Nobody. Long-press a message to block its author.</Body>}
      {blocked?.map((u) => (
        <View key={u} style={styles.row}>
          <Body style={styles.grow}>{u}</Body>
          <Button kind="plain" label={`Unblock ${u}`} onPress={() => void client.unblockUser(u).then(loadBlocked, () => setError(`${u} could not be unblocked.`))} />
        </View>
      ))}

      <View style={styles.h}>
        <Button kind="danger" label="Sign out" hint="Forgets this account's messages on this device" onPress={() => void signOut()} />
      </View>
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  content: { padding: 16, gap: 8 },
  h: { marginTop: 16 },
  row: { flexDirection: 'row', alignItems: 'center', gap: 8, minHeight: 44 },
  grow: { flex: 1 },
  group: { flexDirection: 'row', gap: 8, flexWrap: 'wrap' },
});
