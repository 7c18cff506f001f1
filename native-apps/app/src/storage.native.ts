// Devices: the session (with the back end's refresh credential) in the Keychain or Keystore, through expo-secure-store;
// the appearance setting and the list of channels (ids only) in expo-sqlite's key-value store.
import * as SecureStore from 'expo-secure-store';
import Storage from 'expo-sqlite/kv-store';
import type { Session } from './session';
import type { Appearance } from './theme';

const SESSION = 'chatsdk.session';
const APPEARANCE = 'chatsdk.appearance';

export async function loadSession(): Promise<Session | undefined> {
  const raw = await SecureStore.getItemAsync(SESSION);
  return raw ? (JSON.parse(raw) as Session) : undefined;
}

export async function saveSession(session: Session | undefined): Promise<void> {
  if (session) await SecureStore.setItemAsync(SESSION, JSON.stringify(session), { keychainAccessible: SecureStore.AFTER_FIRST_UNLOCK_THIS_DEVICE_ONLY });
  else await SecureStore.deleteItemAsync(SESSION);
}

/** The cids of the user's channels, as last listed, for an offline start. */
export async function loadChannelList(userId: string): Promise<string[]> {
  try {
    const v: unknown = JSON.parse((await Storage.getItem(`chatsdk.channels.${userId}`)) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export async function saveChannelList(userId: string, cids: string[]): Promise<void> {
  await Storage.setItem(`chatsdk.channels.${userId}`, JSON.stringify(cids));
}

export async function loadAppearance(): Promise<Appearance> {
  const v = await Storage.getItem(APPEARANCE);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export async function saveAppearance(value: Appearance): Promise<void> {
  await Storage.setItem(APPEARANCE, value);
}
