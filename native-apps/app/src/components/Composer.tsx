import { isChatError, type Attachment, type Channel, type LocalFile } from '@chatsdk/client';
import Ionicons from '@expo/vector-icons/Ionicons';
import { RecordingPresets, requestRecordingPermissionsAsync, setAudioModeAsync, useAudioRecorder } from 'expo-audio';
import * as DocumentPicker from 'expo-document-picker';
import * as ImagePicker from 'expo-image-picker';
import { useEffect, useRef, useState } from 'react';
import { Platform, StyleSheet, TextInput, View } from 'react-native';
import { feedback } from '../feedback';
import { useTheme } from '../theme';
import { Body, Button, ErrorText } from './ui';
import { formatDuration } from './VoiceNote';
import { resample, Waveform } from './Waveform';

export interface ComposerProps {
  channel: Channel;
  parentId?: string;
  attachments?: boolean;
  voiceNotes?: boolean;
  placeholder?: string;
}

function problem(e: unknown): string {
  return isChatError(e) ? e.code : e instanceof Error ? e.message : String(e);
}

/**
 * What to upload for a picker's or the recorder's `uri`: on the web a Blob (the URI is a blob: or data: URL); on devices
 * the file itself by URI, since React Native's FormData sends files that way and not as Blobs.
 */
async function uploadable(uri: string): Promise<{ file: Blob | LocalFile; size: number | undefined; type: string }> {
  if (Platform.OS !== 'web') return { file: { uri }, size: undefined, type: '' };
  const blob = await (await fetch(uri)).blob();
  return { file: blob, size: blob.size, type: blob.type };
}

/** The message box: text, images from the library or camera, files, and voice notes. Sends queue while offline. */
export function Composer({ channel, parentId, attachments = true, voiceNotes = true, placeholder = 'Message' }: ComposerProps) {
  const { colors } = useTheme();
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [recording, setRecording] = useState(false);
  const [levels, setLevels] = useState<number[]>([]);
  const [elapsed, setElapsed] = useState(0);
  const recorder = useAudioRecorder({ ...RecordingPresets.HIGH_QUALITY, isMeteringEnabled: true });
  const meter = useRef<ReturnType<typeof setInterval> | undefined>(undefined);

  useEffect(() => () => clearInterval(meter.current), []);

  const send = async () => {
    const body = text.trim();
    if (!body) return;
    setText('');
    setError(undefined);
    channel.stopTyping(parentId);
    feedback('send');
    try {
      // queued in the offline store first: it goes out when the connection does, once
      await channel.sendMessage({ text: body, ...(parentId ? { parent_id: parentId } : {}) });
    } catch (e) {
      // the message stays in the list as failed, with Retry and Discard
      feedback('error');
      setError(`Not sent: ${problem(e)}`);
    }
  };

  const sendAttachment = async (attachment: Attachment) => {
    feedback('send');
    await channel.sendMessage({ text: '', attachments: [attachment], ...(parentId ? { parent_id: parentId } : {}) });
  };

  /**
   * Picks something and sends it as an attachment: `pick` answers what to send (nothing when the user cancelled or a
   * permission is missing), `send` uploads it with the composer busy. A failure of either says "<what> was not sent".
   */
  const attach = async <T,>(what: string, pick: () => Promise<T | undefined>, send: (picked: T) => Promise<void>) => {
    setError(undefined);
    try {
      const picked = await pick();
      if (picked === undefined) return;
      setBusy(true);
      await send(picked);
    } catch (e) {
      feedback('error');
      setError(`${what} was not sent: ${problem(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const pickImage = (camera: boolean) => attach('The image', async () => {
    if (camera && !(await ImagePicker.requestCameraPermissionsAsync()).granted) {
      setError('The camera is not allowed for this app.');
      return undefined;
    }
    const options: ImagePicker.ImagePickerOptions = { mediaTypes: ['images'], quality: 0.85, exif: false };
    const result = camera ? await ImagePicker.launchCameraAsync(options) : await ImagePicker.launchImageLibraryAsync(options);
    return result.canceled ? undefined : result.assets[0];
  }, async (asset) => {
    const up = await uploadable(asset.uri);
    const mime = asset.mimeType ?? (up.type || 'image/jpeg');
    const name = asset.fileName ?? `photo.${mime.split('/')[1] ?? 'jpg'}`;
    const res = await channel.sendImage(up.file, name, mime);
    await sendAttachment({ type: 'image', image_url: res.file, thumb_url: res.thumb_url, title: name, mime_type: mime, file_size: up.size ?? asset.fileSize ?? 0 });
  });

  const pickFile = () => attach('The file', async () => {
    const result = await DocumentPicker.getDocumentAsync({ multiple: false, copyToCacheDirectory: true, base64: false });
    return result.canceled ? undefined : result.assets[0];
  }, async (asset) => {
    // on the web the picker hands over the File itself; on devices a copy in the cache, sent by URI
    const up = asset.file ? { file: asset.file as Blob, size: asset.file.size, type: asset.file.type } : await uploadable(asset.uri);
    const mime = asset.mimeType || up.type || 'application/octet-stream';
    const res = await channel.sendFile(up.file, asset.name, mime);
    await sendAttachment({ type: 'file', asset_url: res.file, title: asset.name, mime_type: mime, file_size: up.size ?? asset.size ?? 0 });
  });

  const startRecording = async () => {
    setError(undefined);
    try {
      const p = await requestRecordingPermissionsAsync();
      if (!p.granted) return setError('The microphone is not allowed for this app.');
      await setAudioModeAsync({ allowsRecording: true, playsInSilentMode: true });
      await recorder.prepareToRecordAsync();
      recorder.record();
      setLevels([]);
      setElapsed(0);
      setRecording(true);
      meter.current = setInterval(() => {
        const s = recorder.getStatus();
        setElapsed(s.durationMillis / 1000);
        // dBFS (-160..0) to 0..1
        if (typeof s.metering === 'number') setLevels((l) => [...l.slice(-199), Math.max(0, Math.min(1, (s.metering! + 60) / 60))]);
      }, 100);
    } catch (e) {
      setRecording(false);
      feedback('error');
      setError(`Recording did not start: ${problem(e)}`);
    }
  };

  const stopRecording = (keep: boolean) => {
    clearInterval(meter.current);
    setRecording(false);
    return attach('The voice note', async () => {
      await recorder.stop();
      return keep ? recorder.uri ?? undefined : undefined;
    }, async (uri) => {
      const up = await uploadable(uri);
      const mime = up.type || (Platform.OS === 'web' ? 'audio/webm' : 'audio/mp4');
      const ext = mime.includes('webm') ? 'webm' : mime.includes('ogg') ? 'ogg' : mime.includes('wav') ? 'wav' : 'm4a';
      const res = await channel.sendFile(up.file, `voice-note.${ext}`, mime);
      await sendAttachment({
        type: 'voiceRecording',
        asset_url: res.file,
        mime_type: mime,
        ...(up.size !== undefined ? { file_size: up.size } : {}),
        title: 'Voice note',
        duration: Math.round((res.duration ?? elapsed) * 100) / 100,
        // the appliance keeps at most 100 points
        waveform_data: res.waveform_data ?? (levels.length > 100 ? resample(levels, 100) : levels),
      });
    });
  };

  return (
    <View style={[styles.wrap, { borderColor: colors.muted, backgroundColor: colors.background }]}>
      {error && <ErrorText>{error}</ErrorText>}
      {recording ? (
        <View style={styles.row}>
          <Ionicons name="radio-button-on" size={16} color={colors.danger} />
          <Body accessibilityLabel={`Recording, ${formatDuration(elapsed)}`}>{formatDuration(elapsed)}</Body>
          <View style={styles.grow}><Waveform data={levels} progress={1} /></View>
          <Button kind="danger" label="Cancel recording" onPress={() => void stopRecording(false)}><Ionicons name="close" size={24} color={colors.danger} /></Button>
          <Button label="Send voice note" onPress={() => void stopRecording(true)} />
        </View>
      ) : (
        <View style={styles.row}>
          {attachments && (
            <>
              <Button kind="plain" label="Attach a photo" disabled={busy} onPress={() => void pickImage(false)}><Ionicons name="image-outline" size={24} color={colors.primary} /></Button>
              <Button kind="plain" label="Attach a file" disabled={busy} onPress={() => void pickFile()}><Ionicons name="document-attach-outline" size={24} color={colors.primary} /></Button>
              {Platform.OS !== 'web' && <Button kind="plain" label="Take a photo" disabled={busy} onPress={() => void pickImage(true)}><Ionicons name="camera-outline" size={24} color={colors.primary} /></Button>}
            </>
          )}
          <TextInput
            style={[styles.input, { color: colors.text, borderColor: colors.muted, backgroundColor: colors.surface }]}
            value={text}
            onChangeText={(t) => {
              setText(t);
              if (t) channel.keystroke(parentId);
            }}
            placeholder={placeholder}
            placeholderTextColor={colors.muted}
            accessibilityLabel={placeholder}
            multiline
            maxLength={5000}
            onKeyPress={(e) => {
              // on the web, Enter sends and Shift+Enter starts a new line
              const key = e.nativeEvent as { key: string; shiftKey?: boolean; isComposing?: boolean; keyCode?: number };
              // not while an input method is composing (Chinese, Japanese, Korean): Enter picks the characters there
              if (Platform.OS === 'web' && key.key === 'Enter' && !key.shiftKey && !key.isComposing && key.keyCode !== 229) {
                e.preventDefault();
                void send();
              }
            }}
          />
          {text.trim() || !voiceNotes ? (
            <Button label="Send" disabled={!text.trim()} onPress={() => void send()} />
          ) : (
            <Button kind="plain" label="Record a voice note" disabled={busy} onPress={() => void startRecording()}><Ionicons name="mic-outline" size={24} color={colors.primary} /></Button>
          )}
        </View>
      )}
    </View>
  );
}

const styles = StyleSheet.create({
  wrap: { borderTopWidth: StyleSheet.hairlineWidth, padding: 8, gap: 4 },
  row: { flexDirection: 'row', alignItems: 'flex-end', gap: 6 },
  grow: { flex: 1 },
  input: { flex: 1, minHeight: 44, maxHeight: 140, borderWidth: 1, borderRadius: 20, paddingHorizontal: 14, paddingVertical: 10, fontSize: 16 },
});
