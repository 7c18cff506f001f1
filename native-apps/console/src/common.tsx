import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, describe, type SessionInfo } from './api.js';

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

/** The apps the officer may see, for pages that name them without picking one; none when the role may not list them. */
export function useAppList(): App[] {
  const [apps, setApps] = useState<App[]>([]);
  useEffect(() => { api<{ apps: App[] }>('GET', '/apps').then((r) => setApps(r.apps), () => undefined); }, []);
  return apps;
}

/** The apps the officer may pick from, and the picked one (the first, until another is chosen). */
export function useApps(fail: (e: unknown) => void): { apps: App[]; app: string; setApp: (id: string) => void } {
  const [apps, setApps] = useState<App[]>([]);
  const [app, setApp] = useState('');
  useEffect(() => {
    api<{ apps: App[] }>('GET', '/apps').then((r) => { setApps(r.apps); setApp(r.apps[0]?.id ?? ''); }, fail);
  }, []);
  return { apps, app, setApp };
}

/** Comma- or space-separated ids typed in a form, without empties. */
export function ids(text: FormDataEntryValue | null): string[] {
  return String(text ?? '').split(/[\s,]+/).filter((x) => x.length > 0);
}

/**
 * The labelled app picker of the per-app pages. The label is its own element (not wrapped around the select), so the
 * select's accessible name is "App" alone, not "App" and every app's name.
 */
export function AppPicker({ apps, app, setApp }: { apps: App[]; app: string; setApp: (id: string) => void }) {
  const id = useId();
  return (
    <div className="console-field">
      <label htmlFor={id}>App</label>
      <select id={id} value={app} onChange={(e) => setApp(e.target.value)}>
        {apps.map((a) => <option key={a.id} value={a.id}>{a.name} ({a.id})</option>)}
      </select>
    </div>
  );
}

/**
 * Runs sensitive changes (exports, erasure, key rotation, invitations...): when the server asks for a recent sign-in
 * (`reauthentication_required`), `dialog` asks for password and a fresh code, then the change is tried once more.
 * Other failures go to `fail`.
 */
export function useSensitive(onSession: (s: SessionInfo) => void, fail: (e: unknown) => void): {
  sensitive: (action: () => Promise<void>) => Promise<void>;
  dialog: ReactNode;
} {
  const [pending, setPending] = useState<(() => Promise<void>) | undefined>();
  const sensitive = async (action: () => Promise<void>) => {
    try {
      await action();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'reauthentication_required') setPending(() => action);
      else fail(e);
    }
  };
  const dialog = pending && (
    <Reauthenticate onDone={(s) => { onSession(s); const again = pending; setPending(undefined); void sensitive(again); }}
                    onCancel={() => setPending(undefined)} />
  );
  return { sensitive, dialog };
}

/** Password and a fresh code again, before a sensitive change. */
function Reauthenticate({ onDone, onCancel }: { onDone: (s: SessionInfo) => void; onCancel: () => void }): ReactNode {
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    try {
      onDone(await api<SessionInfo>('POST', '/console/reauthenticate', { password: d.get('password'), code: d.get('code') }));
    } catch (x) {
      setError(describe(x));
    }
  };
  return (
    <div className="console-dialog" role="dialog" aria-modal="true" aria-labelledby="reauth-title">
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="reauth-title">Confirm it is you</h2>
        <p>This change needs a recent sign-in.</p>
        <label>Password <input name="password" type="password" autoComplete="current-password" required autoFocus /></label>
        <label>Code <input name="code" autoComplete="one-time-code" required maxLength={14} /></label>
        <button type="submit">Confirm</button> <button type="button" onClick={onCancel}>Cancel</button>
        {error && <p className="console-error" role="alert">{error}</p>}
      </form>
    </div>
  );
}
