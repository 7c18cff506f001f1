import Constants from 'expo-constants';
import { createContext, useContext } from 'react';

export interface Palette {
  primary: string;
  onPrimary: string;
  background: string;
  surface: string;
  text: string;
  muted: string;
  danger: string;
}

/** The brand as the app sees it (app.config.js puts it in `extra.brand`; brand.schema.json defines the file). */
export interface Brand {
  name: string;
  scheme: string;
  colors: { light: Palette; dark: Palette };
  api: { baseUrl: string; apiKey?: string };
  signIn: { method: 'demo' } | { method: 'token-endpoint'; tokenEndpoint: string; usernameLabel?: string };
  features: { voiceNotes: boolean; reactions: boolean; threads: boolean; attachments: boolean; search: boolean };
}

/** The brand this build was made with. */
export function configuredBrand(): Brand {
  const brand = (Constants.expoConfig?.extra as { brand?: Brand } | undefined)?.brand;
  if (!brand) throw new Error('This build has no brand: run `npm run brand -- brands/<name>` before starting it.');
  return brand;
}

export const BrandContext = createContext<Brand | undefined>(undefined);

export function useBrand(): Brand {
  const brand = useContext(BrandContext);
  if (!brand) throw new Error('useBrand outside <BrandContext>');
  return brand;
}
