// Devices: channels, messages and pending sends in SQLite (expo-sqlite), one database file per app and user.
import * as SQLite from 'expo-sqlite';
import type { OfflineStore } from '@chatsdk/client';
import { SQLiteStore, type SqlDatabase } from './sqlite-store';

export function offlineStore(): OfflineStore {
  return new SQLiteStore(async (name) => (await SQLite.openDatabaseAsync(name)) as unknown as SqlDatabase);
}
