// Web: the session lives in sessionStorage (gone when the tab closes); the appearance setting and the list of channels
// (ids only) in localStorage.
// storage.native.ts keeps both in the device's secure storage (Keychain, Keystore).
import type { Session } from './session';
import type { Appearance } from './theme';

const SESSION = 'chatsdk.session';
const APPEARANCE = 'chatsdk.appearance';

function area(kind: 'session' | 'local'): Storage | undefined {
  try {
    return kind === 'session' ? globalThis.sessionStorage : globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export async function loadSession(): Promise<Session | undefined> {
  const raw = area('session')?.getItem(SESSION);
  return raw ? (JSON.parse(raw) as Session) : undefined;
}

export async function saveSession(session: Session | undefined): Promise<void> {
  if (session) area('session')?.setItem(SESSION, JSON.stringify(session));
  else area('session')?.removeItem(SESSION);
}

/** The cids of the user's channels, as last listed, for an offline start. */
export async function loadChannelList(userId: string): Promise<string[]> {
  try {
    const v: unknown = JSON.parse(area('local')?.getItem(`chatsdk.channels.${userId}`) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export async function saveChannelList(userId: string, cids: string[]): Promise<void> {
  area('local')?.setItem(`chatsdk.channels.${userId}`, JSON.stringify(cids));
}

export async function loadAppearance(): Promise<Appearance> {
  const v = area('local')?.getItem(APPEARANCE);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export async function saveAppearance(value: Appearance): Promise<void> {
  area('local')?.setItem(APPEARANCE, value);
}
