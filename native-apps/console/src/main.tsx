import { createRoot } from 'react-dom/client';
import { useCallback, useEffect, useState } from 'react';
import { api, onSessionEnded, setCsrf, type SessionInfo } from './api.js';
import { Setup } from './setup.js';
import { Login } from './login.js';
import { Shell } from './shell.js';
import './console.css';

declare global {
  interface Window {
    /** Set once the console has decided what to show (the browser tests wait on it). */
    consoleReady: boolean;
  }
}
window.consoleReady = false;

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const f = () => setHash(location.hash);
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  return hash;
}

function Console() {
  const hash = useHash();
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>();

  const signedIn = useCallback((s: SessionInfo) => {
    setCsrf(s.csrf_token);
    setNotice(undefined);
    setSession(s);
    if (location.hash.startsWith('#/setup') || location.hash === '#/login') location.hash = '#/';
  }, []);

  useEffect(() => {
    api<SessionInfo>('GET', '/console/session').then(signedIn, () => setSession(null)).finally(() => { window.consoleReady = true; });
    return onSessionEnded(() => {
      setSession(null);
      setNotice('Your session has ended. Sign in again.');
    });
  }, [signedIn]);

  if (session === undefined) return <p className="console-loading" role="status">Loading…</p>;
  const setupToken = /^#\/setup\/([A-Za-z0-9_-]{43})$/.exec(hash)?.[1];
  if (hash.startsWith('#/setup/')) return <Setup token={setupToken} />;
  if (!session) return <Login notice={notice} onSignedIn={signedIn} />;
  return <Shell session={session} hash={hash} onSession={signedIn} onSignedOut={() => { setSession(null); setNotice('You signed out.'); }} />;
}

createRoot(document.getElementById('root')!).render(<Console />);
