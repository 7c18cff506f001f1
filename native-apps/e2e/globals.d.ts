import type { ChatClient } from '@chatsdk/client';

// what the demo page (native-apps/demo) and the admin console put on window for the browser tests
declare global {
  interface Window {
    demoReady: number;
    demoClients: Record<string, ChatClient>;
    /** The admin console (native-apps/console): true once it decided what to show. */
    consoleReady: boolean;
  }
}
export {};
