// Haptics on send, receive, react and error (expo-haptics; nothing where the device has none, as on the web).
import * as Haptics from 'expo-haptics';
import { Platform } from 'react-native';

export type Feedback = 'send' | 'receive' | 'react' | 'error';

export function feedback(kind: Feedback): void {
  if (Platform.OS === 'web') return;
  const done = kind === 'error'
    ? Haptics.notificationAsync(Haptics.NotificationFeedbackType.Error)
    : kind === 'react'
      ? Haptics.selectionAsync()
      : Haptics.impactAsync(kind === 'send' ? Haptics.ImpactFeedbackStyle.Light : Haptics.ImpactFeedbackStyle.Soft);
  void done.catch(() => undefined);
}
