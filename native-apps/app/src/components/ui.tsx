// Small themed building blocks: buttons and text that keep to the brand's palette, scale with the system's font size
// and carry screen-reader roles.
import type { ReactNode } from 'react';
import { Pressable, StyleSheet, Text, type PressableProps, type StyleProp, type TextProps, type ViewStyle } from 'react-native';
import { useTheme } from '../theme';

export function Body({ style, muted, ...props }: TextProps & { muted?: boolean }) {
  const { colors } = useTheme();
  return <Text {...props} style={[styles.body, { color: muted ? colors.muted : colors.text }, style]} />;
}

export function Heading({ style, ...props }: TextProps) {
  const { colors } = useTheme();
  return <Text accessibilityRole="header" {...props} style={[styles.heading, { color: colors.text }, style]} />;
}

export function Button({ label, kind = 'primary', style, hint, ...props }: PressableProps & { label: string; kind?: 'primary' | 'plain' | 'danger'; style?: StyleProp<ViewStyle>; hint?: string; children?: ReactNode }) {
  const { colors } = useTheme();
  const background = kind === 'primary' ? colors.primary : 'transparent';
  const color = kind === 'primary' ? colors.onPrimary : kind === 'danger' ? colors.danger : colors.primary;
  return (
    <Pressable
      accessibilityRole="button"
      accessibilityLabel={label}
      accessibilityHint={hint}
      aria-disabled={!!props.disabled}
      hitSlop={6}
      {...props}
      style={({ pressed }) => [styles.button, { backgroundColor: background, opacity: props.disabled ? 0.5 : pressed ? 0.8 : 1 }, kind !== 'primary' && styles.plain, style]}
    >
      {props.children ?? <Text style={[styles.buttonText, { color }]}>{label}</Text>}
    </Pressable>
  );
}

export function ErrorText({ children }: { children: ReactNode }) {
  const { colors } = useTheme();
  return <Text accessibilityRole="alert" accessibilityLiveRegion="assertive" style={[styles.body, { color: colors.danger }]}>{children}</Text>;
}

const styles = StyleSheet.create({
  body: { fontSize: 16, lineHeight: 22 },
  heading: { fontSize: 24, fontWeight: '700' },
  button: { minHeight: 44, minWidth: 44, borderRadius: 10, paddingHorizontal: 16, alignItems: 'center', justifyContent: 'center' },
  plain: { paddingHorizontal: 8 },
  buttonText: { fontSize: 16, fontWeight: '600' },
});
