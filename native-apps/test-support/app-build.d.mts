export const brandsDir: string;
export function buildAppWeb(brandDir: string, label: string, apiBaseUrl: string): Promise<string>;
