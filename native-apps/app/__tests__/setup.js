// Reanimated's own test setup (layout animations run instantly under Jest).
require('react-native-reanimated').setUpTests();

// No speaker or microphone exists under Jest, and expo-audio's native module has no Jest build: a silent stand-in
// for it. Recording and playback are exercised in Chromium (the web build) instead.
jest.mock('expo-audio', () => ({
  RecordingPresets: { HIGH_QUALITY: {} },
  useAudioPlayer: () => ({ play() {}, pause() {}, seekTo: async () => undefined }),
  useAudioPlayerStatus: () => ({ playing: false, currentTime: 0, duration: 0, didJustFinish: false }),
  useAudioRecorder: () => ({ prepareToRecordAsync: async () => undefined, record() {}, stop: async () => undefined, getStatus: () => ({ durationMillis: 0 }), uri: null }),
  requestRecordingPermissionsAsync: async () => ({ granted: false }),
  setAudioModeAsync: async () => undefined,
}));

// Icon fonts are files that the test renderer cannot load (no asset registry under Jest): taken as loaded.
jest.mock('expo-font', () => ({ ...jest.requireActual('expo-font'), loadAsync: async () => undefined, isLoaded: () => true }));
