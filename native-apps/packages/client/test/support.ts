import WebSocket from 'ws';
import { ChatClient, type ChatClientOptions } from '../src/index.js';
import { baseURL, type TestApp } from '../../../test-support/fixtures.js';

/**
 * The `ws` package's WebSocket, with handles a test needs: cut every socket, refuse new ones (the network is down),
 * drop or inject frames. The client under test cannot tell it from a plain WebSocket.
 */
export class Network {
  blocked = false;
  readonly sockets = new Set<WebSocket>();
  /** Frames for which this returns true never reach the client. */
  dropIf: (frame: string) => boolean = () => false;

  get WebSocket(): ChatClientOptions['WebSocket'] {
    const net = this;
    return class extends WebSocket {
      constructor(url: string) {
        if (net.blocked) throw new Error('network down');
        super(url);
        net.sockets.add(this);
        this.on('close', () => net.sockets.delete(this));
        const self = this as unknown as { emit: (...a: unknown[]) => boolean };
        const emit = self.emit.bind(this);
        self.emit = (event: unknown, ...rest: unknown[]) => {
          if (event === 'message' && net.dropIf(String(rest[0]))) return true;
          return emit(event, ...rest);
        };
      }
    } as unknown as ChatClientOptions['WebSocket'];
  }

  /** Cuts every open socket as a network failure would (no close frame). */
  cut(): void {
    for (const s of this.sockets) s.terminate();
  }

  /** Delivers a frame to every open socket as if the server had sent it. */
  inject(frame: string): void {
    for (const s of this.sockets) (s as unknown as { emit: (e: string, d: Buffer, b: boolean) => void }).emit('message', Buffer.from(frame), false);
  }
}

export async function connect(app: TestApp, userId: string, net = new Network(), options: ChatClientOptions = {}): Promise<{ client: ChatClient; net: Network }> {
  const client = new ChatClient(app.apiKey, { baseURL, store: 'memory', WebSocket: net.WebSocket, ...options });
  await client.connectUser({ id: userId }, app.token(userId));
  return { client, net };
}
