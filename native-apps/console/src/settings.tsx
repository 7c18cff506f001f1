import { useEffect, useState, type FormEvent } from 'react';
import { api, apiText, type SessionInfo } from './api.js';
import { AppPicker, Failure, useApps, useNewest, useSensitive } from './common.js';

/** `GET/PUT /apps/{id}/uploads` (Files.Usage): `quota_bytes` null when there is no cap. */
interface Uploads {
  bytes: number;
  files: number;
  quota_bytes: number | null;
}

/** `GET/PATCH /apps/{id}/ai` (AiSettings.toMap, and the server's model or null). */
interface AiSwitches {
  ai_enabled: boolean;
  ai_embeddings: boolean;
  ai_smart_replies: boolean;
  ai_catch_up_summaries: boolean;
}
interface AiAnswer {
  ai: AiSwitches;
  model: string | null;
}

/** `GET/PATCH /apps/{id}/search-engines`: `available` lists the engines this server is configured with. */
interface Engines {
  meilisearch: boolean;
  qdrant: boolean;
}
interface EnginesAnswer {
  search_engines: Engines;
  available: string[];
}

/** The part of `GET /apps/{id}` (and of `POST token-policy`'s answer) the token policy needs. */
interface AppAnswer {
  app: { id: string; name: string; require_token_expiry: boolean };
}

/** An app's settings that have operator endpoints: upload quota, AI, external search engines, token policy, push key. */
export function Settings({ onSession }: { onSession: (s: SessionInfo) => void }) {
  const [error, setError] = useState<unknown>();
  const { apps, app, setApp } = useApps(setError);
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <AppPicker apps={apps} app={app} setApp={setApp} />
      {error !== undefined && <Failure error={error} />}
      {app && (
        <>
          <UploadsForm key={`uploads-${app}`} app={app} />
          <AiForm key={`ai-${app}`} app={app} />
          <EnginesForm key={`engines-${app}`} app={app} />
          <TokenPolicyForm key={`token-${app}`} app={app} />
          <PushKeyForm key={`push-${app}`} app={app} onSession={onSession} />
        </>
      )}
    </section>
  );
}

const UNITS: [string, number][] = [['bytes', 1], ['KiB', 1024], ['MiB', 1024 ** 2], ['GiB', 1024 ** 3]];

/** The largest unit that gives a whole number, so that saving again changes nothing. */
function inUnits(bytes: number): [number, string] {
  for (let i = UNITS.length - 1; i > 0; i--) {
    const u = UNITS[i];
    if (u && bytes % u[1] === 0) return [bytes / u[1], u[0]];
  }
  return [bytes, 'bytes'];
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  let v = bytes;
  let unit = 'bytes';
  for (const [name, factor] of UNITS) {
    if (bytes >= factor) { v = bytes / factor; unit = name; }
  }
  return `${v.toFixed(1)} ${unit} (${bytes} bytes)`;
}

function UploadsForm({ app }: { app: string }) {
  const [uploads, setUploads] = useState<Uploads | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const newest = useNewest();
  useEffect(() => {
    void newest(() => api<{ uploads: Uploads }>('GET', `/apps/${app}/uploads`), (r) => setUploads(r.uploads), setError);
  }, [app]);
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const text = String(d.get('quota') ?? '').trim();
    const factor = UNITS.find(([name]) => name === d.get('unit'))?.[1] ?? 1;
    const quota = text === '' ? null : Math.round(Number(text) * factor);
    setSaved(false);
    try {
      const r = await api<{ uploads: Uploads }>('PUT', `/apps/${app}/uploads`, { quota_bytes: quota });
      setUploads(r.uploads);
      setError(undefined);
      setSaved(true);
    } catch (x) {
      setError(x);
    }
  };
  const [amount, unit] = uploads?.quota_bytes != null ? inUnits(uploads.quota_bytes) : [undefined, 'MiB'];
  return (
    <section aria-labelledby="uploads-title">
      <h2 id="uploads-title">Uploads</h2>
      {uploads && <p>Stored: {uploads.files} files, {size(uploads.bytes)}; {uploads.quota_bytes == null ? 'no quota' : `quota ${size(uploads.quota_bytes)}`}.</p>}
      {uploads && (
        <form key={String(uploads.quota_bytes)} onSubmit={(e) => void save(e)} aria-label="Upload quota">
          <div className="console-filters">
            <label>Quota (empty for no cap) <input name="quota" type="number" min={0} step="any" defaultValue={amount} /></label>
            <label>Unit
              <select name="unit" defaultValue={unit}>
                {UNITS.map(([name]) => <option key={name} value={name}>{name}</option>)}
              </select>
            </label>
          </div>
          <button type="submit">Save upload quota</button>
        </form>
      )}
      {saved && <p role="status">Saved.</p>}
      {error !== undefined && <Failure error={error} />}
    </section>
  );
}

const AI_FIELDS: [keyof AiSwitches, string][] = [
  ['ai_enabled', 'AI on for this app (the master switch: with it off, nothing below runs)'],
  ['ai_embeddings', 'Embeddings (semantic search; switching them off deletes the stored embeddings)'],
  ['ai_smart_replies', 'Smart replies (need embeddings)'],
  ['ai_catch_up_summaries', 'Catch-up summaries'],
];

function AiForm({ app }: { app: string }) {
  const [answer, setAnswer] = useState<AiAnswer | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string | undefined>();
  const newest = useNewest();
  useEffect(() => {
    void newest(() => api<AiAnswer>('GET', `/apps/${app}/ai`), setAnswer, setError);
  }, [app]);
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!answer) return;
    const d = new FormData(e.currentTarget);
    const change: Partial<AiSwitches> = {};
    for (const [field] of AI_FIELDS) {
      const on = d.get(field) === 'on';
      if (on !== answer.ai[field]) change[field] = on;
    }
    setSaved(undefined);
    if (Object.keys(change).length === 0) { setSaved('Nothing changed.'); return; }
    try {
      setAnswer(await api<AiAnswer>('PATCH', `/apps/${app}/ai`, change));
      setError(undefined);
      setSaved('Saved.');
    } catch (x) {
      setError(x);
    }
  };
  return (
    <section aria-labelledby="ai-title">
      <h2 id="ai-title">AI</h2>
      {answer && <p>{answer.model ? `The server's model: ${answer.model}.` : 'This server has no AI model.'}</p>}
      {answer && (
        <form key={JSON.stringify(answer.ai)} onSubmit={(e) => void save(e)} aria-label="AI features">
          {AI_FIELDS.map(([field, label]) => (
            <label key={field}><span><input name={field} type="checkbox" defaultChecked={answer.ai[field]} /> {label}</span></label>
          ))}
          <button type="submit">Save AI settings</button>
        </form>
      )}
      {saved && <p role="status">{saved}</p>}
      {error !== undefined && <Failure error={error} />}
    </section>
  );
}

const ENGINES: [keyof Engines, string][] = [
  ['meilisearch', 'Meilisearch (receives the app\'s message text in clear)'],
  ['qdrant', 'Qdrant (receives the app\'s message vectors; needs AI embeddings on)'],
];

function EnginesForm({ app }: { app: string }) {
  const [answer, setAnswer] = useState<EnginesAnswer | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string | undefined>();
  const newest = useNewest();
  useEffect(() => {
    void newest(() => api<EnginesAnswer>('GET', `/apps/${app}/search-engines`), setAnswer, setError);
  }, [app]);
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!answer) return;
    const d = new FormData(e.currentTarget);
    const change: Partial<Engines> = {};
    for (const [engine] of ENGINES) {
      const on = d.get(engine) === 'on';
      if (on !== answer.search_engines[engine]) change[engine] = on;
    }
    setSaved(undefined);
    if (Object.keys(change).length === 0) { setSaved('Nothing changed.'); return; }
    try {
      setAnswer(await api<EnginesAnswer>('PATCH', `/apps/${app}/search-engines`, change));
      setError(undefined);
      setSaved('Saved.');
    } catch (x) {
      setError(x);
    }
  };
  return (
    <section aria-labelledby="engines-title">
      <h2 id="engines-title">External search engines</h2>
      {answer && <p>{answer.available.length ? `This server is configured with: ${answer.available.join(', ')}.` : 'This server has no external search engine configured.'}</p>}
      {answer && (
        <form key={JSON.stringify(answer.search_engines)} onSubmit={(e) => void save(e)} aria-label="External search engines">
          {ENGINES.map(([engine, label]) => (
            <label key={engine}>
              <span>
                <input name={engine} type="checkbox" defaultChecked={answer.search_engines[engine]}
                       disabled={!answer.search_engines[engine] && !answer.available.includes(engine)} /> {label}
              </span>
            </label>
          ))}
          <button type="submit">Save search engines</button>
        </form>
      )}
      {saved && <p role="status">{saved}</p>}
      {error !== undefined && <Failure error={error} />}
    </section>
  );
}

function TokenPolicyForm({ app }: { app: string }) {
  const [required, setRequired] = useState<boolean | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const newest = useNewest();
  useEffect(() => {
    void newest(() => api<AppAnswer>('GET', `/apps/${app}`), (r) => setRequired(r.app.require_token_expiry), setError);
  }, [app]);
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const on = new FormData(e.currentTarget).get('require_exp') === 'on';
    setSaved(false);
    try {
      const r = await api<AppAnswer>('POST', `/apps/${app}/token-policy`, { require_exp: on });
      setRequired(r.app.require_token_expiry);
      setError(undefined);
      setSaved(true);
    } catch (x) {
      setError(x);
    }
  };
  return (
    <section aria-labelledby="token-title">
      <h2 id="token-title">Token policy</h2>
      {required !== undefined && (
        <form key={String(required)} onSubmit={(e) => void save(e)} aria-label="Token policy">
          <label><span><input name="require_exp" type="checkbox" defaultChecked={required} /> Refuse user tokens without an expiry (exp)</span></label>
          <button type="submit">Save token policy</button>
        </form>
      )}
      {saved && <p role="status">Saved.</p>}
      {error !== undefined && <Failure error={error} />}
    </section>
  );
}

/** `GET /apps/{id}/push-credentials`: the uploaded key as it may be shown (never the key). */
interface PushKey {
  provider: string;
  project_id: string;
  client_email: string;
  private_key_id: string;
  updated_at: string;
  updated_by: string;
}

/**
 * The app's Firebase service-account key: uploaded as the file Google gives, then shown only by project, account and
 * a masked key id; replaced or removed. Uploading needs a recent sign-in.
 */
function PushKeyForm({ app, onSession }: { app: string; onSession: (s: SessionInfo) => void }) {
  const [key, setKey] = useState<PushKey | null | undefined>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string | undefined>();
  const { sensitive, dialog } = useSensitive(onSession, setError);
  const load = () => api<{ fcm: PushKey | null }>('GET', `/apps/${app}/push-credentials`).then((r) => { setKey(r.fcm); setError(undefined); }, setError);
  useEffect(() => { void load(); }, [app]);
  const upload = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const file = (form.elements.namedItem('key') as HTMLInputElement | null)?.files?.[0];
    if (!file) return;
    void sensitive(async () => {
      const text = await file.text();
      await apiText('PUT', `/apps/${app}/push-credentials/fcm`, text);
      form.reset();
      setStatus('Saved. Pushes use this key within seconds.');
      await load();
    });
  };
  const remove = async () => {
    if (!window.confirm('Remove the push key? The app sends no pushes until a key is uploaded again.')) return;
    try {
      await api('DELETE', `/apps/${app}/push-credentials/fcm`);
      setStatus('Removed. The app sends no pushes unless a key file is in the server\'s credentials folder.');
      await load();
    } catch (x) {
      setError(x);
    }
  };
  return (
    <section aria-labelledby="push-title">
      <h2 id="push-title">Push credentials</h2>
      {error !== undefined && <Failure error={error} />}
      {status && <p role="status">{status}</p>}
      {key === null && <p>No key uploaded.</p>}
      {key && (
        <dl className="console-facts" aria-label="The uploaded push key">
          <dt>Firebase project</dt><dd>{key.project_id}</dd>
          <dt>Service account</dt><dd>{key.client_email}</dd>
          <dt>Key id</dt><dd><code>{key.private_key_id}</code></dd>
          <dt>Uploaded</dt><dd>{new Date(key.updated_at).toLocaleString()} by {key.updated_by}</dd>
        </dl>
      )}
      <form onSubmit={upload} aria-label="Upload a push key">
        <label>Service-account key file (JSON, from the Firebase console) <input name="key" type="file" accept="application/json,.json" required /></label>
        <button type="submit">{key ? 'Replace the push key' : 'Upload the push key'}</button>
      </form>
      {key && <button type="button" onClick={() => void remove()}>Remove the push key</button>}
      {dialog}
    </section>
  );
}
