import { createRoot } from 'react-dom/client';
import { useState } from 'react';
import { ChatClient } from '@chatsdk/client';
import { Channel, ChannelHeader, ChannelList, Chat, ConnectionStatus, MessageComposer, MessageList, SearchBox, SmartReplies, Thread, TypingIndicator } from '@chatsdk/react';
import '@chatsdk/react/styles.css';
import './demo.css';

interface DemoConfig {
  api_key: string;
  channel: string;
  tokens: Record<string, string>;
}

declare global {
  interface Window {
    /** How many demo users are connected (the browser tests wait on it). */
    demoReady: number;
    /** The clients, for the browser tests. */
    demoClients: Record<string, ChatClient>;
  }
}
window.demoReady = 0;
window.demoClients = {};

const OFF = 'The demo is off: start the appliance in demo mode (./chatsdk up).';

/** The demo's key and tokens; a server error or a dropped request is tried again (five times in all), a 404 is final. */
async function config(): Promise<DemoConfig> {
  for (let attempt = 1; ; attempt++) {
    let r: Response | undefined;
    try {
      r = await fetch('/demo/config.json', { cache: 'no-store' });
    } catch (dropped) {
      if (attempt >= 5) throw dropped;
    }
    if (r?.ok) return (await r.json()) as DemoConfig;
    if (r && (r.status < 500 || attempt >= 5)) throw new Error(OFF);
    await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
  }
}

function Pane({ user, client, cid, theme }: { user: string; client: ChatClient; cid: string; theme: 'light' | 'dark' }) {
  const [type, id] = cid.split(':') as [string, string];
  return (
    <section className="demo-pane" id={`pane-${user}`} aria-label={`${user}'s chat`}>
      <h2 className="demo-user">{user}</h2>
      <Chat client={client} theme={theme} initialChannel={client.channel(type, id)}>
        <aside className="demo-sidebar" aria-label={`${user}'s channels and search`}>
          <SearchBox />
          <ChannelList filters={{ members: { $in: [user] } }} />
        </aside>
        <Channel>
          <ChannelHeader />
          <ConnectionStatus />
          <MessageList />
          <TypingIndicator />
          {/* renders nothing while the operator has the app's smart replies off */}
          <SmartReplies />
          <MessageComposer placeholder={`Message as ${user}`} />
        </Channel>
        <Thread />
      </Chat>
    </section>
  );
}

function Demo({ cfg, users }: { cfg: DemoConfig; users: string[] }) {
  const [theme, setTheme] = useState<'light' | 'dark'>(matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  const [clients] = useState(() =>
    Object.fromEntries(users.map((user) => {
      const client = new ChatClient(cfg.api_key, { baseURL: location.origin });
      // the token provider: the demo fetches fresh tokens from the appliance; a real app asks its own back end
      client.connectUser({ id: user }, async () => (await config()).tokens[user] ?? '').then(
        () => { window.demoReady++; },
        (e: unknown) => console.error(`${user} could not connect`, e instanceof Error ? e.message : e),
      );
      window.demoClients[user] = client;
      return [user, client];
    })),
  );
  return (
    <>
      <header className="demo-header">
        <div>
          <h1>ChatSDK demo</h1>
          <p>Each user has a client of their own, talking to the appliance through @chatsdk/client and drawn with @chatsdk/react.</p>
        </div>
        <button type="button" onClick={() => setTheme(theme === 'light' ? 'dark' : 'light')}>{theme === 'light' ? 'Dark' : 'Light'} theme</button>
      </header>
      <main className="demo-panes">
        {users.map((u) => <Pane key={u} user={u} client={clients[u]!} cid={cfg.channel} theme={theme} />)}
      </main>
    </>
  );
}

const root = createRoot(document.getElementById('root')!);
performance.mark('demo:start'); // bench/web measures the first paint of cached messages from here
config().then(
  (cfg) => {
    const only = new URLSearchParams(location.search).get('user');
    const users = only ? Object.keys(cfg.tokens).filter((u) => u === only) : Object.keys(cfg.tokens);
    root.render(<Demo cfg={cfg} users={users} />);
  },
  (e: unknown) => root.render(<p className="demo-error" role="alert">{e instanceof Error ? e.message : String(e)}</p>),
);
