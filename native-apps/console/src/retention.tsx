import { useEffect, useState, type FormEvent } from 'react';
import { api } from './api.js';
import { AppPicker, Failure, useApps, useNewest } from './common.js';

/** A retention policy as ComplianceResource.wire answers it: app-wide when both scopes are null. */
interface Policy {
  id: string;
  channel_type: string | null;
  channel_cid: string | null;
  max_age_seconds: number;
  created_at: string;
}

/** What `POST retention/purge` answers (Retention.purge): `files` only when messages were purged. */
interface Purged {
  messages: number;
  reactions: number;
  flags: number;
  revisions: number;
  files?: number;
  held: number;
  deferred_erasures: number;
}

const DAY = 86_400;
const HOUR = 3_600;

function scope(p: Policy): string {
  return p.channel_cid ? `channel ${p.channel_cid}` : p.channel_type ? `channel type ${p.channel_type}` : 'the whole app';
}

function age(seconds: number): string {
  if (seconds % DAY === 0) return `${seconds / DAY} days`;
  if (seconds % HOUR === 0) return `${seconds / HOUR} hours`;
  return `${seconds} seconds`;
}

/**
 * An app's retention policies: the maximum message age for the whole app, a channel type or one channel (the most
 * specific one applies); set one, delete one, and purge now what they expire.
 */
export function Retention({ canChange }: { canChange: boolean }) {
  const [policies, setPolicies] = useState<Policy[]>([]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | undefined>();
  const [purged, setPurged] = useState<Purged | undefined>();
  const [scopeKind, setScopeKind] = useState<'app' | 'type' | 'channel'>('app');
  const { apps, app, setApp } = useApps(setError);
  const newest = useNewest();
  const load = async (id = app) => {
    if (!id) return;
    await newest(() => api<{ policies: Policy[] }>('GET', `/apps/${id}/compliance/retention`),
      (r) => { setPolicies(r.policies); setError(undefined); }, setError);
  };
  useEffect(() => { setDone(undefined); setPurged(undefined); void load(); }, [app]);

  const set = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    const n = Number(d.get('age'));
    const body: Record<string, string | number> = d.get('unit') === 'hours' ? { max_age_seconds: n * HOUR } : { max_age_days: n };
    const target = String(d.get('target') ?? '').trim();
    if (scopeKind === 'type') body.channel_type = target;
    if (scopeKind === 'channel') body.channel_cid = target;
    try {
      const r = await api<{ policy: Policy }>('PUT', `/apps/${app}/compliance/retention`, body);
      setDone(`Messages of ${scope(r.policy)} are now kept ${age(r.policy.max_age_seconds)}.`);
      setPurged(undefined);
      form.reset();
      setScopeKind('app');
      await load();
    } catch (x) {
      setError(x);
    }
  };
  const remove = async (p: Policy) => {
    if (!window.confirm(`Delete the retention policy for ${scope(p)}? Messages are then kept until another policy applies.`)) return;
    try {
      await api('DELETE', `/apps/${app}/compliance/retention/${p.id}`);
      setDone(`The policy for ${scope(p)} is deleted.`);
      setPurged(undefined);
      await load();
    } catch (x) {
      setError(x);
    }
  };
  const purge = async () => {
    if (!window.confirm('Delete every message older than its policy allows now? Legal holds still keep what they cover. This cannot be undone.')) return;
    try {
      const r = await api<{ purged: Purged }>('POST', `/apps/${app}/compliance/retention/purge`);
      setPurged(r.purged);
      setDone(undefined);
      setError(undefined);
    } catch (x) {
      setError(x);
    }
  };

  return (
    <section aria-labelledby="retention-title">
      <h1 id="retention-title">Retention</h1>
      <p>Legal holds keep the messages they cover whatever retention says: the purge skips them and counts them as held until the hold is released.</p>
      <AppPicker apps={apps} app={app} setApp={setApp} />
      {error !== undefined && <Failure error={error} />}
      {done && <p role="status">{done}</p>}
      {purged && (
        <div role="status">
          <p>Purged:</p>
          <ul>
            <li>{purged.messages} messages</li>
            <li>{purged.reactions} reactions</li>
            <li>{purged.flags} flags</li>
            <li>{purged.revisions} revisions</li>
            {purged.files !== undefined && <li>{purged.files} files</li>}
            <li>{purged.deferred_erasures} deferred hard deletes finished</li>
            <li>{purged.held} expired messages kept by a legal hold</li>
          </ul>
        </div>
      )}
      <table>
        <caption>{policies.length === 0 ? 'No policies: messages are kept for ever' : `${policies.length} policies; the most specific one applies`}</caption>
        <thead><tr><th scope="col">Applies to</th><th scope="col">Keeps messages</th><th scope="col">Set</th>{canChange && <th scope="col">Actions</th>}</tr></thead>
        <tbody>
          {policies.map((p) => (
            <tr key={p.id} data-policy={p.channel_cid ?? p.channel_type ?? 'app'}>
              <td>{scope(p)}</td>
              <td>{age(p.max_age_seconds)}</td>
              <td><time dateTime={p.created_at}>{new Date(p.created_at).toLocaleString()}</time></td>
              {canChange && <td><button type="button" onClick={() => void remove(p)}>Delete policy for {scope(p)}</button></td>}
            </tr>
          ))}
        </tbody>
      </table>
      {canChange && app && (
        <>
          <h2>Set a policy</h2>
          <p>Setting a policy replaces the one of the same scope. The age is 1 hour to 100 years, counted from when a message was sent.</p>
          <form key={app} onSubmit={(e) => void set(e)} aria-label="Set a retention policy">
            <label>Applies to
              <select name="scope" value={scopeKind} onChange={(e) => setScopeKind(e.target.value as 'app' | 'type' | 'channel')}>
                <option value="app">the whole app</option>
                <option value="type">a channel type</option>
                <option value="channel">one channel</option>
              </select>
            </label>
            {scopeKind === 'type' && <label>Channel type <input name="target" required maxLength={64} /></label>}
            {scopeKind === 'channel' && <label>Channel, as type:id <input name="target" required maxLength={200} pattern="[^:]+:.+" /></label>}
            <div className="console-filters">
              <label>Keep messages for <input name="age" type="number" required min={1} max={36_500 * 24} step={1} /></label>
              <label>Unit
                <select name="unit" defaultValue="days">
                  <option value="days">days</option>
                  <option value="hours">hours</option>
                </select>
              </label>
            </div>
            <button type="submit">Set policy</button>
          </form>
          <h2>Purge now</h2>
          <p>The purge also runs by itself on every node, hourly by default.</p>
          <button type="button" onClick={() => void purge()}>Purge expired messages of {apps.find((a) => a.id === app)?.name ?? app} now</button>
        </>
      )}
    </section>
  );
}
