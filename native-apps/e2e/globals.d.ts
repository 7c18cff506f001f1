import type { ChatClient } from '@chatsdk/client';

// what the demo page (native-apps/demo) puts on window for the browser tests
declare global {
  interface Window {
    demoReady: number;
    demoClients: Record<string, ChatClient>;
  }
}
export {};
