import type { LocalMessage } from '@chatsdk/client';
import type { NativeStackScreenProps } from '@react-navigation/native-stack';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { KeyboardAvoidingView, Platform, StyleSheet } from 'react-native';
import { useBrand } from '../brand';
import { useChannelState, useClient } from '../chat';
import { feedback } from '../feedback';
import { channelName } from '../names';
import { isCid, type Routes } from '../navigation';
import { useTheme } from '../theme';
import { Composer } from '../components/Composer';
import { MessageList } from '../components/MessageList';
import { OfflineBanner } from '../components/OfflineBanner';
import { ErrorText } from '../components/ui';
import { TypingLine } from '../components/TypingLine';
import { ReactionPicker } from '../components/ReactionPicker';

export function ChannelScreen({ navigation, route }: NativeStackScreenProps<Routes, 'Channel'>) {
  const { cid } = route.params;
  if (!isCid(cid)) return <ErrorText>There is no channel “{String(cid).slice(0, 80)}”.</ErrorText>;
  return <ChannelView cid={cid} onOpenThread={(m) => navigation.navigate('Thread', { cid, parentId: m.id })} setTitle={(title) => navigation.setOptions({ title })} />;
}

export function ChannelView({ cid, parentId, onOpenThread, setTitle }: { cid: string; parentId?: string; onOpenThread?: (m: LocalMessage) => void; setTitle?: (t: string) => void }) {
  const client = useClient();
  const brand = useBrand();
  const { colors } = useTheme();
  const [type, id] = cid.split(':') as [string, string];
  const channel = useMemo(() => client.channel(type, id), [client, type, id]);
  const state = useChannelState(channel);
  const me = client.userID ?? '';
  const [error, setError] = useState<string>();
  const [picking, setPicking] = useState<LocalMessage>();
  const seen = useRef(0);

  useEffect(() => {
    channel.watch().catch((e: unknown) => {
      // offline with nothing cached, or not a member: say so; the banner says whether the app is offline
      if (!channel.state.getSnapshot().messages.length) setError(`This channel could not be opened (${(e as { code?: string }).code ?? 'error'}).`);
    });
  }, [channel]);

  const name = channelName(channel, state, me);
  useLayoutEffect(() => setTitle?.(parentId ? 'Thread' : name), [setTitle, name, parentId]);

  const messages = parentId ? (Object.hasOwn(state.threads, parentId) ? state.threads[parentId] : undefined) ?? [] : state.messages;
  const parent = parentId ? state.messages.find((m) => m.id === parentId) : undefined;

  useEffect(() => {
    if (parentId) void channel.getReplies(parentId).catch(() => undefined);
  }, [channel, parentId]);

  // haptics for arrivals from others, and read marks while the channel is on screen
  const newest = messages[messages.length - 1];
  useEffect(() => {
    if (!newest || newest.seq <= 0) return;
    if (seen.current && newest.seq > seen.current && newest.user_id !== me) feedback('receive');
    seen.current = Math.max(seen.current, newest.seq);
    if (!parentId && state.unreadCount > 0) void channel.markRead().catch(() => undefined);
  }, [newest?.seq, newest?.user_id, me, channel, parentId, state.unreadCount]);

  const react = (m: LocalMessage, type: string) => {
    feedback('react');
    const mine = (m.own_reactions ?? []).some((r) => r.type === type);
    (mine ? channel.deleteReaction(m.id, type) : channel.sendReaction(m.id, { type }, { enforce_unique: false })).catch(() => feedback('error'));
  };

  const actions = (m: LocalMessage) => {
    if (m.status !== 'sent') return;
    if (brand.features.reactions) setPicking(m);
  };

  return (
    <KeyboardAvoidingView style={[styles.fill, { backgroundColor: colors.background }]} behavior={Platform.OS === 'ios' ? 'padding' : undefined} keyboardVerticalOffset={Platform.OS === 'ios' ? 90 : 0}>
      <OfflineBanner client={client} syncing={state.syncing} />
      {error && <ErrorText>{error}</ErrorText>}
      <MessageList
        messages={messages}
        header={parent}
        me={me}
        reads={state.reads}
        hasOlder={!parentId && state.hasOlder}
        onLoadOlder={() => void channel.loadOlder().catch(() => undefined)}
        bubble={{
          reactions: brand.features.reactions,
          threads: brand.features.threads && !parentId,
          onReact: react,
          onOpenThread,
          onRetry: (m) => void channel.retry(m.id).catch(() => feedback('error')),
          onDiscard: (m) => void channel.discard(m.id),
          onLongPress: actions,
        }}
      />
      <TypingLine typing={state.typing} parentId={parentId} />
      {picking && (
        <ReactionPicker
          onPick={(type) => {
            react(picking, type);
            setPicking(undefined);
          }}
          onReply={brand.features.threads && !parentId && onOpenThread ? () => { onOpenThread(picking); setPicking(undefined); } : undefined}
          onBlock={picking.user_id !== me ? () => {
            const who = picking.user_id;
            setPicking(undefined);
            void client.blockUser(who).then(() => feedback('send'), () => feedback('error'));
          } : undefined}
          author={picking.user_id}
          onClose={() => setPicking(undefined)}
        />
      )}
      <Composer channel={channel} parentId={parentId} attachments={brand.features.attachments} voiceNotes={brand.features.voiceNotes} placeholder={parentId ? 'Reply in thread' : 'Message'} />
    </KeyboardAvoidingView>
  );
}

const styles = StyleSheet.create({ fill: { flex: 1 } });
