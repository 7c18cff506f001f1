import type { Browser, LaunchOptions } from 'playwright-core';

export function chromiumPath(): string;
export function launch(extra?: LaunchOptions): Promise<Browser>;
