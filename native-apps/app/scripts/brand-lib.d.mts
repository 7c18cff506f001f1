export const schema: Record<string, unknown>;
export const LOGO_MAX_BYTES: number;
export const LOGO_MIN_SIDE: number;
export const LOGO_MAX_SIDE: number;
export const MIN_CONTRAST: number;
export class BrandError extends Error {
  problems: string[];
}
export function contrast(a: string, b: string): number;
export function loadBrand(dir: string): Promise<{ brand: Record<string, any>; logo: unknown }>;
export function writeBrand(dir: string, out: string): Promise<Record<string, any>>;
