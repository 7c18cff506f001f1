import type { Channel, ChannelState, ChatClient, ClientState } from '@chatsdk/client';
import { useSyncExternalStore } from 'react';

/** The client's state (connection, unread total, pending sends), re-rendering on change. */
export function useClientState(client: ChatClient): ClientState {
  return useSyncExternalStore(client.state.subscribe, client.state.getSnapshot, client.state.getSnapshot);
}

/** A channel's state (messages, reads, typing, unread), re-rendering on change. */
export function useChannelState(channel: Channel): ChannelState {
  return useSyncExternalStore(channel.state.subscribe, channel.state.getSnapshot, channel.state.getSnapshot);
}
