import { useEffect, useState, type FormEvent } from 'react';
import { api, type SessionInfo } from './api.js';
import { AppPicker, Failure, useNewest, useSensitive } from './common.js';

/** An app as the operator API answers it (AppsAdminResource.wire): never its secret. */
interface App {
  id: string;
  name: string;
  api_key: string;
  disabled: boolean;
  require_token_expiry: boolean;
  revoke_tokens_issued_before?: string;
  created_at: string;
  updated_at: string;
}

/** `POST /apps` answers the app with its key and secret, once. */
interface Created {
  app: App;
  api_key: string;
  api_secret: string;
}

/** `POST /apps/{id}/rotate-secret`. */
interface Rotated {
  api_key: string;
  api_secret: string;
  previous_secret_valid_until: string;
}

/** Credentials to show once, with what they belong to. */
interface Shown {
  title: string;
  api_key: string;
  api_secret: string;
  previous_valid_until?: string;
}

/** The longest grace period the server accepts for the old secret: 30 days. */
const MAX_GRACE_HOURS = 30 * 24;

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

/**
 * Apps, for operators: list, create (its key and secret are shown once), disable and enable, rotate the secret with a
 * grace period, revoke the tokens issued before now and rotate the app's data key. Secret rotation, token revocation
 * and key rotation need a recent sign-in.
 */
export function Apps({ onSession }: { onSession: (s: SessionInfo) => void }) {
  const [apps, setApps] = useState<App[]>([]);
  const [picked, setPicked] = useState('');
  const [error, setError] = useState<unknown>();
  const [shown, setShown] = useState<Shown | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const newest = useNewest();
  const { sensitive, dialog } = useSensitive(onSession, setError);
  const load = () => newest(() => api<{ apps: App[] }>('GET', '/apps'), (r) => {
    setApps(r.apps);
    setPicked((p) => (r.apps.some((a) => a.id === p) ? p : r.apps[0]?.id ?? ''));
    setError(undefined);
  }, setError);
  useEffect(() => { void load(); }, []);
  const app = apps.find((a) => a.id === picked);

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get('name') ?? '');
    try {
      const r = await api<Created>('POST', '/apps', { name });
      setShown({ title: `New app ${r.app.name} (${r.app.id})`, api_key: r.api_key, api_secret: r.api_secret });
      setDone(undefined);
      form.reset();
      setPicked(r.app.id);
      await load();
    } catch (x) {
      setError(x);
    }
  };
  const setDisabled = async (a: App, disabled: boolean) => {
    try {
      const r = await api<{ app: App }>('POST', `/apps/${a.id}/${disabled ? 'disable' : 'enable'}`);
      setDone(`${r.app.name} is ${r.app.disabled ? 'disabled' : 'enabled'}.`);
      await load();
    } catch (x) {
      setError(x);
    }
  };
  const rotateSecret = (e: FormEvent<HTMLFormElement>, a: App) => {
    e.preventDefault();
    const hours = Number(new FormData(e.currentTarget).get('grace_hours') ?? 24);
    void sensitive(async () => {
      const r = await api<Rotated>('POST', `/apps/${a.id}/rotate-secret`, { grace_seconds: Math.round(hours * 3600) });
      setShown({ title: `New secret of ${a.name} (${a.id})`, api_key: r.api_key, api_secret: r.api_secret, previous_valid_until: r.previous_secret_valid_until });
      setDone(undefined);
      setError(undefined);
    });
  };
  const revoke = (e: FormEvent<HTMLFormElement>, a: App) => {
    e.preventDefault();
    const form = e.currentTarget;
    void sensitive(async () => {
      const r = await api<{ app: App }>('POST', `/apps/${a.id}/revoke-tokens`, {});
      setDone(`Tokens of ${r.app.name} issued before ${r.app.revoke_tokens_issued_before ? when(r.app.revoke_tokens_issued_before) : 'now'} are refused.`);
      setError(undefined);
      form.reset();
      await load();
    });
  };
  const rotateKey = (a: App) => {
    void sensitive(async () => {
      const r = await api<{ key_version: number }>('POST', `/apps/${a.id}/compliance/keys/rotate`);
      setDone(`New content of ${a.name} is now sealed under data key version ${r.key_version}; older versions still open what they sealed until re-encryption moves it.`);
      setError(undefined);
    });
  };

  return (
    <section aria-labelledby="apps-title">
      <h1 id="apps-title">Apps</h1>
      {error !== undefined && <Failure error={error} />}
      {done && <p role="status">{done}</p>}
      {shown && (
        <section className="console-panel console-secretbox" aria-labelledby="secret-title">
          <h2 id="secret-title">{shown.title}</h2>
          <p>Copy the secret now: this page does not show it again.</p>
          <p>API key <code className="console-secret">{shown.api_key}</code></p>
          <p>API secret <code className="console-secret">{shown.api_secret}</code></p>
          {shown.previous_valid_until && <p>The previous secret keeps working until {when(shown.previous_valid_until)}.</p>}
          <button type="button" onClick={() => setShown(undefined)}>Hide the secret</button>
        </section>
      )}
      <table>
        <caption>{apps.length} apps</caption>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">API key</th><th scope="col">State</th><th scope="col">Tokens refused if issued before</th><th scope="col">Actions</th></tr>
        </thead>
        <tbody>
          {apps.map((a) => (
            <tr key={a.id} data-app={a.name}>
              <td>{a.name}</td>
              <td><code>{a.id}</code></td>
              <td><code>{a.api_key}</code></td>
              <td>{a.disabled ? 'disabled' : 'enabled'}</td>
              <td>{a.revoke_tokens_issued_before ? <time dateTime={a.revoke_tokens_issued_before}>{when(a.revoke_tokens_issued_before)}</time> : ''}</td>
              <td>
                {a.disabled
                  ? <button type="button" onClick={() => void setDisabled(a, false)}>Enable {a.name}</button>
                  : <button type="button" onClick={() => void setDisabled(a, true)}>Disable {a.name}</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Create an app</h2>
      <form onSubmit={(e) => void create(e)} aria-label="Create an app">
        <label>Name <input name="name" required maxLength={100} /></label>
        <button type="submit">Create app</button>
      </form>

      {apps.length > 0 && (
        <>
          <h2>Secrets, tokens and keys</h2>
          <p>These changes need a recent sign-in.</p>
          <AppPicker apps={apps} app={picked} setApp={setPicked} />
        </>
      )}
      {app && (
        <>
          <h3>Rotate the secret</h3>
          <form key={`rotate-${app.id}`} onSubmit={(e) => rotateSecret(e, app)} aria-label={`Rotate the secret of ${app.name}`}>
            <label>Hours the old secret keeps working (0 to {MAX_GRACE_HOURS})
              <input name="grace_hours" type="number" min={0} max={MAX_GRACE_HOURS} step={1} defaultValue={24} required />
            </label>
            <button type="submit">Rotate secret of {app.name}</button>
          </form>

          <h3>Revoke tokens</h3>
          <form key={`revoke-${app.id}`} onSubmit={(e) => revoke(e, app)} aria-label={`Revoke the tokens of ${app.name}`}>
            <label>
              <span><input name="confirm" type="checkbox" required /> Every user token of {app.name} issued before now stops working; its users need new tokens.</span>
            </label>
            <button type="submit">Revoke tokens of {app.name}</button>
          </form>

          <h3>Rotate the data key</h3>
          <p>New messages are sealed under a new key version; older versions still open what they sealed until re-encryption has moved it.</p>
          <button type="button" onClick={() => rotateKey(app)}>Rotate data key of {app.name}</button>
        </>
      )}
      {dialog}
    </section>
  );
}
