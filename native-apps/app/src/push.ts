// Web builds do not register for push (the appliance sends through FCM to Android devices); push.native.ts does.
import type { ChatClient } from '@chatsdk/client';

export type PushStatus = { registered: true; token: string } | { registered: false; reason: string };

export async function registerForPush(client: ChatClient): Promise<PushStatus> {
  void client;
  return { registered: false, reason: 'Notifications come to the mobile apps; the web build does not register for them.' };
}

export async function unregisterFromPush(client: ChatClient, token: string | undefined): Promise<void> {
  void client;
  void token;
}

/** Calls `open(cid)` when the user taps a notification; answers how to stop listening. */
export function onNotificationOpened(open: (cid: string) => void): () => void {
  void open;
  return () => undefined;
}
