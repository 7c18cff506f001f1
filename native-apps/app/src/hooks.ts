import type { Channel, ChannelState, ChatClient, ClientState } from '@chatsdk/client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { AccessibilityInfo } from 'react-native';

/** The client's state (connection, unread total, pending sends), re-rendering on change. */
export function useClientState(client: ChatClient): ClientState {
  return useSyncExternalStore(client.state.subscribe, client.state.getSnapshot, client.state.getSnapshot);
}

/** A channel's state (messages, reads, typing, unread), re-rendering on change. */
export function useChannelState(channel: Channel): ChannelState {
  return useSyncExternalStore(channel.state.subscribe, channel.state.getSnapshot, channel.state.getSnapshot);
}

/** Whether a screen reader (VoiceOver, TalkBack) is on. */
export function useScreenReader(): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    let live = true;
    void AccessibilityInfo.isScreenReaderEnabled().then((v) => live && setOn(v), () => undefined);
    const sub = AccessibilityInfo.addEventListener('screenReaderChanged', setOn);
    return () => {
      live = false;
      sub.remove();
    };
  }, []);
  return on;
}
