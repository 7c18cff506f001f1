import type { Channel } from '@chatsdk/client';
import type { NativeStackScreenProps } from '@react-navigation/native-stack';
import { useCallback, useEffect, useLayoutEffect, useState } from 'react';
import { FlatList, Pressable, RefreshControl, StyleSheet, Text, View } from 'react-native';
import { useChannelState, useClient, useClientState } from '../chat';
import { channelName } from '../names';
import { isCid, type Routes } from '../navigation';
import { loadChannelList, saveChannelList } from '../storage';
import { useTheme } from '../theme';
import { OfflineBanner } from '../components/OfflineBanner';
import { Body, Button, ErrorText } from '../components/ui';

function Row({ channel, me, onOpen }: { channel: Channel; me: string; onOpen: () => void }) {
  const { colors } = useTheme();
  const state = useChannelState(channel);
  const name = channelName(channel, state, me);
  const last = [...state.messages].reverse().find((m) => m.type !== 'deleted');
  const preview = last ? (last.text || (last.attachments?.length ? 'Attachment' : '')) : 'No messages yet';
  const unread = state.unreadCount;
  return (
    <Pressable
      accessibilityRole="button"
      accessibilityLabel={`${name}${unread ? `, ${unread} unread` : ''}. ${preview}`}
      onPress={onOpen}
      style={({ pressed }) => [styles.row, { borderColor: colors.surface, backgroundColor: pressed ? colors.surface : colors.background }]}
      testID={`channel-${channel.cid}`}
    >
      <View style={styles.grow}>
        <Text style={[styles.name, { color: colors.text }, unread ? styles.bold : null]} numberOfLines={1}>{name}</Text>
        <Text style={{ color: colors.muted, fontSize: 14 }} numberOfLines={1}>{preview}</Text>
      </View>
      {unread > 0 && (
        <View style={[styles.badge, { backgroundColor: colors.primary }]} testID="unread-badge">
          <Text style={{ color: colors.onPrimary, fontWeight: '700', fontSize: 13 }}>{unread > 99 ? '99+' : unread}</Text>
        </View>
      )}
    </Pressable>
  );
}

export function ChannelsScreen({ navigation }: NativeStackScreenProps<Routes, 'Channels'>) {
  const client = useClient();
  const { colors } = useTheme();
  const { connection, user } = useClientState(client);
  const me = client.userID ?? '';
  const [channels, setChannels] = useState<Channel[]>();
  const [error, setError] = useState<string>();
  const [refreshing, setRefreshing] = useState(false);

  useLayoutEffect(() => {
    navigation.setOptions({ headerRight: () => <Button kind="plain" label="Settings" onPress={() => navigation.navigate('Settings')} /> });
  }, [navigation]);

  const load = useCallback(async () => {
    try {
      const list = await client.queryChannels({ members: { $in: [me] } }, [{ field: 'last_message_at', direction: -1 }], { limit: 30, message_limit: 25 });
      setChannels(list);
      setError(undefined);
      void saveChannelList(me, list.map((c) => c.cid));
    } catch {
      // offline: the channels this device saw last time, from the offline store
      const cids = (await loadChannelList(me)).filter(isCid);
      if (cids.length) {
        const cached = cids.map((cid) => {
          const [type, ...rest] = cid.split(':');
          return client.channel(type!, rest.join(':'));
        });
        // shown at once; each row fills in from the offline store as its channel is read
        setChannels((now) => now ?? cached);
        for (const c of cached) void c.watch().catch(() => undefined);
      } else setError('The channels could not be loaded. They will be once the app is online.');
    }
  }, [client, me]);

  useEffect(() => {
    if (me && (connection === 'online' || channels === undefined)) void load();
    // reload when the connection comes back
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [me, connection === 'online']);

  useEffect(() => {
    const subs = ['notification.added_to_channel', 'notification.removed_from_channel', 'notification.message_new'].map((t) => client.on(t, () => void load()));
    return () => subs.forEach((s) => s.unsubscribe());
  }, [client, load]);

  return (
    <View style={[styles.fill, { backgroundColor: colors.background }]}>
      <OfflineBanner client={client} />
      {error && <ErrorText>{error}</ErrorText>}
      <FlatList
        data={channels ?? []}
        keyExtractor={(c) => c.cid}
        renderItem={({ item }) => <Row channel={item} me={me} onOpen={() => navigation.navigate('Channel', { cid: item.cid })} />}
        refreshControl={<RefreshControl refreshing={refreshing} onRefresh={async () => { setRefreshing(true); await load(); setRefreshing(false); }} />}
        ListEmptyComponent={channels ? <Body muted style={styles.empty}>No channels yet{user?.name ? `, ${user.name}` : ''}.</Body> : undefined}
        accessibilityLabel="Channels"
      />
    </View>
  );
}

const styles = StyleSheet.create({
  fill: { flex: 1 },
  row: { flexDirection: 'row', alignItems: 'center', paddingHorizontal: 16, paddingVertical: 12, minHeight: 64, borderBottomWidth: 1, gap: 12 },
  grow: { flex: 1 },
  name: { fontSize: 17 },
  bold: { fontWeight: '700' },
  badge: { minWidth: 24, height: 24, borderRadius: 12, paddingHorizontal: 6, alignItems: 'center', justifyContent: 'center' },
  empty: { padding: 24, textAlign: 'center' },
});
