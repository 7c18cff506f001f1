// Push on devices with expo-notifications. Android: the FCM registration token is registered with the appliance
// (push_provider firebase). iOS: expo-notifications yields an APNs token, and the appliance sends through FCM only,
// so iOS does not register until an FCM route for iOS is added (docs/white-label.md).
// The appliance decides what a notification says; in HIPAA mode it carries no message content, and this app never
// builds a notification from message content itself.
import * as Notifications from 'expo-notifications';
import { Platform } from 'react-native';
import type { ChatClient } from '@chatsdk/client';

export type PushStatus = { registered: true; token: string } | { registered: false; reason: string };

export async function registerForPush(client: ChatClient): Promise<PushStatus> {
  // while the app is open, notifications still show as the system would
  Notifications.setNotificationHandler({
    handleNotification: async () => ({ shouldShowBanner: true, shouldShowList: true, shouldPlaySound: false, shouldSetBadge: true }),
  });
  if (Platform.OS !== 'android') return { registered: false, reason: 'On iOS the appliance cannot reach this device yet: it sends through FCM, which needs the Firebase SDK for iOS.' };
  await Notifications.setNotificationChannelAsync('messages', { name: 'Messages', importance: Notifications.AndroidImportance.HIGH });
  const permission = await Notifications.requestPermissionsAsync();
  if (!permission.granted) return { registered: false, reason: 'Notifications are turned off for this app in the system settings.' };
  const { data: token } = await Notifications.getDevicePushTokenAsync();
  if (typeof token !== 'string' || !token) return { registered: false, reason: 'The system gave no push token.' };
  await client.addDevice(token, 'firebase');
  return { registered: true, token };
}

/** Removes this device from the user's push devices: `token`, or the one the system gives now (after a restart). */
export async function unregisterFromPush(client: ChatClient, token: string | undefined): Promise<void> {
  let device = token;
  if (!device && Platform.OS === 'android' && (await Notifications.getPermissionsAsync()).granted) {
    device = (await Notifications.getDevicePushTokenAsync()).data as string;
  }
  if (device) await client.removeDevice(device);
}

export function onNotificationOpened(open: (cid: string) => void): () => void {
  const handle = (response: Notifications.NotificationResponse | null) => {
    const cid = response?.notification.request.content.data?.cid;
    if (typeof cid === 'string' && /^[A-Za-z0-9_-]+:[A-Za-z0-9@_!-]+$/.test(cid)) open(cid);
  };
  // a tap that started the app, then taps while it runs
  void Notifications.getLastNotificationResponseAsync().then(handle);
  const sub = Notifications.addNotificationResponseReceivedListener(handle);
  return () => sub.remove();
}
