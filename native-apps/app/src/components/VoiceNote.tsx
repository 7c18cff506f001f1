import type { AttachmentResponse } from '@chatsdk/client';
import Ionicons from '@expo/vector-icons/Ionicons';
import { useAudioPlayer, useAudioPlayerStatus } from 'expo-audio';
import { StyleSheet, Text, View } from 'react-native';
import { Button } from './ui';
import { Waveform } from './Waveform';

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A voice note: play and pause, its waveform with progress, its length. */
export function VoiceNote({ attachment, color }: { attachment: AttachmentResponse; color: string }) {
  const player = useAudioPlayer(attachment.asset_url ? { uri: attachment.asset_url } : null);
  const status = useAudioPlayerStatus(player);
  const duration = attachment.duration ?? status.duration ?? 0;
  const progress = duration > 0 ? status.currentTime / duration : 0;
  const toggle = () => {
    if (status.playing) player.pause();
    else {
      if (status.didJustFinish || (duration > 0 && status.currentTime >= duration)) void player.seekTo(0);
      player.play();
    }
  };
  return (
    <View style={styles.row}>
      <Button kind="plain" label={status.playing ? 'Pause voice note' : `Play voice note, ${formatDuration(duration)}`} onPress={toggle}>
        <Ionicons name={status.playing ? 'pause' : 'play'} size={22} color={color} />
      </Button>
      <Waveform data={Array.isArray(attachment.waveform_data) ? attachment.waveform_data : []} progress={progress} color={color} />
      <Text style={{ color, fontSize: 14 }}>{formatDuration(status.playing ? status.currentTime : duration)}</Text>
    </View>
  );
}

const styles = StyleSheet.create({ row: { flexDirection: 'row', alignItems: 'center', gap: 8 } });
