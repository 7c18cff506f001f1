import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useColorScheme } from 'react-native';
import { useBrand, type Palette } from './brand';

export type Appearance = 'system' | 'light' | 'dark';

export interface Theme {
  scheme: 'light' | 'dark';
  colors: Palette;
}

const ThemeContext = createContext<Theme | undefined>(undefined);

/** The brand's light or dark palette, as the user's appearance setting (or the system's) asks. */
export function ThemeProvider({ appearance, children }: { appearance: Appearance; children: ReactNode }) {
  const brand = useBrand();
  const system = useColorScheme();
  const scheme = appearance === 'system' ? (system === 'dark' ? 'dark' : 'light') : appearance;
  const theme = useMemo(() => ({ scheme, colors: brand.colors[scheme] }), [brand, scheme]);
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  const theme = useContext(ThemeContext);
  if (!theme) throw new Error('useTheme outside <ThemeProvider>');
  return theme;
}
