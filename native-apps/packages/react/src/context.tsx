import { createContext, useContext, useMemo, useState, useSyncExternalStore, type ComponentType, type ReactNode } from 'react';
import type { Channel, ChannelState, ChatClient, ClientState, LocalMessage } from '@chatsdk/client';

/** Components the kit draws with; pass replacements to `Chat` (or to a component's props). */
export interface ComponentOverrides {
  Message?: ComponentType<MessageProps>;
  Avatar?: ComponentType<{ userId: string; size?: number }>;
  DateSeparator?: ComponentType<{ date: Date }>;
  EmptyState?: ComponentType<Record<string, never>>;
}

export interface MessageProps {
  message: LocalMessage;
  /** Whether this message starts a group (another author, or more than five minutes after the previous one). */
  firstOfGroup: boolean;
  mine: boolean;
  /** Users (other than the author) whose read marker is at this message: the read receipt. */
  readBy: string[];
  /** Hides the reply count button (inside a thread). */
  inThread?: boolean;
}

interface ChatContextValue {
  client: ChatClient;
  theme: 'light' | 'dark';
  components: ComponentOverrides;
  active: Channel | undefined;
  setActive: (c: Channel | undefined) => void;
  thread: LocalMessage | undefined;
  setThread: (m: LocalMessage | undefined) => void;
}

const ChatContext = createContext<ChatContextValue | undefined>(undefined);

export interface ChatProps {
  client: ChatClient;
  theme?: 'light' | 'dark';
  components?: ComponentOverrides;
  /** The channel shown first (the `ChannelList` sets it when the user picks one). */
  initialChannel?: Channel;
  children?: ReactNode;
  className?: string;
}

/** The provider: gives every kit component the client, the theme, the active channel and the open thread. */
export function Chat({ client, theme = 'light', components = {}, initialChannel, children, className }: ChatProps) {
  const [active, setActiveState] = useState<Channel | undefined>(initialChannel);
  const [thread, setThread] = useState<LocalMessage | undefined>(undefined);
  const value = useMemo<ChatContextValue>(
    () => ({ client, theme, components, active, thread, setThread, setActive: (c) => { setActiveState(c); setThread(undefined); } }),
    [client, theme, components, active, thread],
  );
  return (
    <ChatContext.Provider value={value}>
      <div className={`chatsdk chatsdk-theme-${theme}${className ? ` ${className}` : ''}`}>{children}</div>
    </ChatContext.Provider>
  );
}

export function useChatContext(): ChatContextValue {
  const v = useContext(ChatContext);
  if (!v) throw new Error('ChatSDK components must be inside <Chat client={...}>');
  return v;
}

const ChannelContext = createContext<Channel | undefined>(undefined);
export const ChannelProvider = ChannelContext.Provider;

/** The channel of the nearest `<Channel>`, or the active one. */
export function useChannel(): Channel | undefined {
  const own = useContext(ChannelContext);
  const chat = useContext(ChatContext);
  return own ?? chat?.active;
}

const NO_CHANNEL_SUBSCRIBE = () => () => undefined;

/** A channel's reactive state (messages, threads, reads, typing, unread...). */
export function useChannelState(channel: Channel | undefined): ChannelState | undefined {
  return useSyncExternalStore(
    channel ? channel.state.subscribe : NO_CHANNEL_SUBSCRIBE,
    () => channel?.state.getSnapshot(),
    () => channel?.state.getSnapshot(),
  );
}

/** The client's state: the user, the connection, total unread and pending sends. */
export function useClientState(): ClientState {
  const { client } = useChatContext();
  return useSyncExternalStore(client.state.subscribe, client.state.getSnapshot, client.state.getSnapshot);
}
