import { useState, type FormEvent } from 'react';
import { api, describe, type SessionInfo } from './api.js';

/** Sign-in: name, password and the authenticator's current code (or a recovery code). */
export function Login({ notice, onSignedIn }: { notice: string | undefined; onSignedIn: (s: SessionInfo) => void }) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api<SessionInfo>('POST', '/console/login', { name: f.get('name'), password: f.get('password'), code: f.get('code') }));
    } catch (x) {
      setError(describe(x));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="console-card">
      <h1>ChatSDK admin console</h1>
      {notice && <p className="console-notice" role="status">{notice}</p>}
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <label>Name <input name="name" autoComplete="username" required maxLength={100} /></label>
        <label>Password <input name="password" type="password" autoComplete="current-password" required maxLength={256} /></label>
        <label>Code from your authenticator, or a recovery code
          <input name="code" autoComplete="one-time-code" inputMode="text" required maxLength={14} />
        </label>
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
      {error && <p className="console-error" role="alert">{error}</p>}
    </main>
  );
}
