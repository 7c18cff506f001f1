import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, describe } from './api.js';

/** A page's data, or why it could not be shown (a role's refusal shows as such). */
export function Failure({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.code === 'forbidden') {
    return <p className="console-error" role="alert">Your role may not see this page.</p>;
  }
  return <p className="console-error" role="alert">{describe(error)}</p>;
}

/**
 * Runs a page's loads so that only the newest one's answer is kept: a slower, older answer (the first page before a
 * filter, another app picked meanwhile) must not replace a newer one.
 */
export function useNewest(): <T>(request: () => Promise<T>, keep: (answer: T) => void, fail: (e: unknown) => void) => Promise<void> {
  const latest = useRef(0);
  return useCallback(async (request, keep, fail) => {
    const mine = ++latest.current;
    try {
      const answer = await request();
      if (mine === latest.current) keep(answer);
    } catch (e) {
      if (mine === latest.current) fail(e);
    }
  }, []);
}

interface App { id: string; name: string }

/** The apps the officer may pick from, and the picked one (the first, until another is chosen). */
export function useApps(fail: (e: unknown) => void): { apps: App[]; app: string; setApp: (id: string) => void } {
  const [apps, setApps] = useState<App[]>([]);
  const [app, setApp] = useState('');
  useEffect(() => {
    api<{ apps: App[] }>('GET', '/apps').then((r) => { setApps(r.apps); setApp(r.apps[0]?.id ?? ''); }, fail);
  }, []);
  return { apps, app, setApp };
}

/** The labelled app picker of the per-app pages. */
export function AppPicker({ apps, app, setApp }: { apps: App[]; app: string; setApp: (id: string) => void }) {
  return (
    <label>App
      <select value={app} onChange={(e) => setApp(e.target.value)}>
        {apps.map((a) => <option key={a.id} value={a.id}>{a.name} ({a.id})</option>)}
      </select>
    </label>
  );
}
