// Web: the client's own IndexedDB store. offline-store.native.ts puts it in SQLite on devices.
import type { OfflineStore } from '@chatsdk/client';

export function offlineStore(): 'indexeddb' | 'memory' | OfflineStore {
  return typeof indexedDB === 'undefined' ? 'memory' : 'indexeddb';
}
