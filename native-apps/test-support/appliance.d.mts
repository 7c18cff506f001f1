export interface Appliance {
  baseURL: string;
  operatorToken: string;
  stop(): Promise<void>;
}

/** Starts the appliance jar on a free port with its own data directory; `extraEnv` adds or overrides settings. */
export function startAppliance(extraEnv?: Record<string, string>): Promise<Appliance>;
