import { StyleSheet, View } from 'react-native';
import { useTheme } from '../theme';

/** Bars of a waveform (values 0..1), filled up to `progress` (0..1); decorative, so hidden from screen readers. */
export function Waveform({ data, progress = 0, bars = 40, color }: { data: number[]; progress?: number; bars?: number; color?: string }) {
  const { colors } = useTheme();
  const played = color ?? colors.primary;
  const points = resample(data, bars);
  return (
    <View style={styles.row} accessibilityElementsHidden importantForAccessibility="no-hide-descendants" testID="waveform">
      {points.map((v, i) => (
        <View key={i} style={[styles.bar, { height: 4 + Math.round(v * 24), backgroundColor: played, opacity: i / points.length < progress ? 1 : 0.45 }]} />
      ))}
    </View>
  );
}

/** `n` points from `data` (max of each bucket), 0 where there is nothing. */
export function resample(data: number[], n: number): number[] {
  if (data.length === 0) return Array.from({ length: n }, () => 0);
  return Array.from({ length: n }, (_, i) => {
    const from = Math.floor((i * data.length) / n);
    const to = Math.max(from + 1, Math.floor(((i + 1) * data.length) / n));
    let m = 0;
    for (let j = from; j < to && j < data.length; j++) m = Math.max(m, Math.min(1, Math.max(0, data[j] ?? 0)));
    return m;
  });
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', alignItems: 'center', height: 30, gap: 2 },
  bar: { width: 3, borderRadius: 2 },
});
