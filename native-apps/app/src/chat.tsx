// The signed-in user's ChatClient, shared by every screen, and the session behind it.
import { ChatClient } from '@chatsdk/client';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useBrand } from './brand';
import { offlineStore } from './offline-store';
import { registerForPush, unregisterFromPush, type PushStatus } from './push';
import { SignInError, tokenProvider, type Session, type SignedIn } from './session';
import { loadAppearance, loadSession, saveAppearance, saveChannelList, saveSession } from './storage';
import type { Appearance } from './theme';

export interface ChatContextValue {
  client: ChatClient | undefined;
  session: Session | undefined;
  /** True while a stored session is being read at start. */
  restoring: boolean;
  /** Why the session ended on its own (a refused refresh), to show on the sign-in screen. */
  endedBecause: string | undefined;
  signIn(signed: SignedIn): Promise<void>;
  signOut(): Promise<void>;
  appearance: Appearance;
  setAppearance(value: Appearance): void;
  push: PushStatus | undefined;
  setPush(on: boolean): Promise<void>;
}

export { useChannelState, useClientState } from './hooks';

const ChatContext = createContext<ChatContextValue | undefined>(undefined);

export function useChat(): ChatContextValue {
  const chat = useContext(ChatContext);
  if (!chat) throw new Error('useChat outside <ChatProvider>');
  return chat;
}

/** The signed-in client; screens behind the sign-in only. */
export function useClient(): ChatClient {
  const { client } = useChat();
  if (!client) throw new Error('no signed-in client');
  return client;
}

export interface ChatProviderProps {
  children: ReactNode;
  /** For tests and embedding: a client to use instead of one built from the brand. */
  makeClient?: (apiKey: string) => ChatClient;
}

export function ChatProvider({ children, makeClient }: ChatProviderProps) {
  const brand = useBrand();
  const [client, setClient] = useState<ChatClient>();
  const [session, setSession] = useState<Session>();
  const [restoring, setRestoring] = useState(true);
  const [endedBecause, setEndedBecause] = useState<string>();
  const [appearance, setAppearanceState] = useState<Appearance>('system');
  const [push, setPushState] = useState<PushStatus>();
  const current = useRef<ChatClient | undefined>(undefined);

  const where = useMemo(
    () => ({ baseUrl: brand.api.baseUrl, ...(brand.signIn.method === 'token-endpoint' ? { tokenEndpoint: brand.signIn.tokenEndpoint } : {}) }),
    [brand],
  );

  const retry = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const end = useCallback(async (reason?: string) => {
    const old = current.current;
    current.current = undefined;
    clearTimeout(retry.current);
    // the reason first: the sign-in screen reads it when it mounts
    setEndedBecause(reason);
    setClient(undefined);
    setSession(undefined);
    setPushState(undefined);
    await saveSession(undefined);
    // signing out forgets the cached chats, the channel list and queued sends on this device
    if (old?.userID) await saveChannelList(old.userID, []).catch(() => undefined);
    await old?.disconnectUser({ clearStore: true }).catch(() => undefined);
  }, []);

  const start = useCallback(async (s: Session, firstToken?: string, attempt = 0): Promise<void> => {
    const previous = current.current;
    if (previous) await previous.disconnectUser().catch(() => undefined);
    const c = makeClient ? makeClient(s.apiKey) : new ChatClient(s.apiKey, { baseURL: brand.api.baseUrl, store: offlineStore() });
    current.current = c;
    const mine = () => current.current === c;
    setClient(c);
    setSession(s);
    setEndedBecause(undefined);
    let session = s;
    const keep = (next: Session) => {
      if (!mine()) return; // a late answer for a client that was signed out or replaced
      session = next;
      setSession(next);
      void saveSession(next);
    };
    // a rotated back-end session is kept with the token it was traded for (provide, below), in one write
    const refresh = tokenProvider(s, where, (next) => {
      if (mine()) session = { ...next, token: session.token };
    });
    // the last chat token lets the app connect after a start without network; it is refreshed when it expires
    let first = firstToken ?? s.token;
    const provide = async () => {
      if (first) {
        const t = first;
        first = undefined;
        return t;
      }
      try {
        const t = await refresh();
        keep({ ...session, token: t });
        return t;
      } catch (e) {
        if (mine() && e instanceof SignInError && e.code === 'session_ended') void end(e.message);
        throw e;
      }
    };
    if (firstToken) keep({ ...s, token: firstToken });
    // cached chats show at once; the client reconnects by itself once connected, and a first connect that failed
    // (no network at start, the token service away) is tried again with a new client
    c.connectUser({ id: s.userId }, provide).catch(() => {
      if (!mine()) return;
      clearTimeout(retry.current);
      retry.current = setTimeout(() => {
        if (mine()) void start(session, undefined, attempt + 1);
      }, Math.min(30_000, 2_000 * 2 ** attempt));
    });
  }, [brand, where, end, makeClient]);

  useEffect(() => {
    let live = true;
    void (async () => {
      const [stored, look] = await Promise.all([loadSession().catch(() => undefined), loadAppearance().catch(() => 'system' as const)]);
      if (!live) return;
      setAppearanceState(look);
      if (stored && stored.apiKey && stored.userId) await start(stored);
      setRestoring(false);
    })();
    return () => {
      live = false;
      clearTimeout(retry.current);
      void current.current?.disconnectUser();
    };
    // once, at start
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const value = useMemo<ChatContextValue>(() => ({
    client,
    session,
    restoring,
    endedBecause,
    // start keeps the session with its first token
    signIn: (signed) => start(signed.session, signed.token),
    signOut: async () => {
      // the device's push token is asked for again: after a restart, this run never registered it
      if (client) await unregisterFromPush(client, push?.registered ? push.token : undefined).catch(() => undefined);
      await end();
    },
    appearance,
    setAppearance: (v) => {
      setAppearanceState(v);
      void saveAppearance(v);
    },
    push,
    setPush: async (on) => {
      if (!client) return;
      if (on) setPushState(await registerForPush(client).catch((e: unknown) => ({ registered: false as const, reason: e instanceof Error ? e.message : String(e) })));
      else {
        if (push?.registered) await unregisterFromPush(client, push.token);
        setPushState({ registered: false, reason: 'Turned off.' });
      }
    },
  }), [client, session, restoring, endedBecause, start, end, appearance, push]);

  return <ChatContext.Provider value={value}>{children}</ChatContext.Provider>;
}
