import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, describe, type Officer, type SessionInfo } from './api.js';
import { Failure, useNewest } from './common.js';
import { LegalHolds } from './holds.js';
import { Moderation } from './moderation.js';

const READS_AUDIT = new Set(['operator', 'compliance', 'auditor']);

/** The signed-in console: a header with the officer and sign-out, navigation by role, and the page of the hash. */
export function Shell({ session, hash, onSession, onSignedOut }: {
  session: SessionInfo;
  hash: string;
  onSession: (s: SessionInfo) => void;
  onSignedOut: () => void;
}) {
  const me = session.officer;
  const page = hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  const links: [string, string, boolean][] = [
    ['', 'Overview', true],
    ['audit', 'Audit log', READS_AUDIT.has(me.role)],
    ['holds', 'Legal holds', READS_AUDIT.has(me.role)],
    ['moderation', 'Moderation', me.role === 'moderator' || me.role === 'operator'],
    ['officers', 'Officers', me.role === 'operator'],
  ];
  const signOut = async () => {
    await api('POST', '/console/logout').catch(() => undefined);
    onSignedOut();
  };
  return (
    <div className="console-shell">
      <header className="console-header">
        <span className="console-brand">ChatSDK console</span>
        <nav aria-label="Console">
          <ul>
            {links.filter(([, , shown]) => shown).map(([to, label]) => (
              <li key={to}><a href={`#/${to}`} aria-current={page === to ? 'page' : undefined}>{label}</a></li>
            ))}
          </ul>
        </nav>
        <span className="console-me">{me.name} <span className="console-role">({me.role})</span></span>
        <button type="button" onClick={() => void signOut()}>Sign out</button>
      </header>
      <main className="console-main">
        {page === '' ? <Overview me={me} />
          : page === 'audit' ? <AuditLog />
          : page === 'officers' ? <Officers session={session} onSession={onSession} />
          : page === 'holds' ? <LegalHolds canChange={me.role === 'operator' || me.role === 'compliance'} />
          : page === 'moderation' ? <Moderation />
          : <p role="alert">There is no page here. <a href="#/">Overview</a></p>}
      </main>
    </div>
  );
}

function Overview({ me }: { me: Officer }) {
  const [apps, setApps] = useState<{ id: string; name: string; disabled?: boolean }[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (me.role !== 'operator') return;
    api<{ apps: { id: string; name: string; disabled?: boolean }[] }>('GET', '/apps').then((r) => setApps(r.apps), setError);
  }, [me.role]);
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <p>Signed in as <strong>{me.name}</strong>, {me.role}.</p>
      {error !== undefined && <Failure error={error} />}
      {apps && (
        <table>
          <caption>Apps</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">State</th></tr></thead>
          <tbody>{apps.map((a) => <tr key={a.id}><td>{a.name}</td><td><code>{a.id}</code></td><td>{a.disabled ? 'disabled' : 'enabled'}</td></tr>)}</tbody>
        </table>
      )}
    </section>
  );
}

interface AuditRecord {
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  resource_id: string | null;
  outcome: string;
  reason: string | null;
}

/** The operator chain of the audit log (officers' sign-ins and console actions, app creation...), oldest first. */
function AuditLog() {
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [next, setNext] = useState<number | undefined>();
  const [error, setError] = useState<unknown>();
  const [filter, setFilter] = useState({ actor: '', action: '' });
  const newest = useNewest();
  const load = (after?: number, f = filter) => {
    const q = new URLSearchParams({ limit: '100', from: new Date(Date.now() - 24 * 3600_000).toISOString() });
    if (f.actor) q.set('actor_id', f.actor);
    if (f.action) q.set('action', f.action);
    if (after !== undefined) q.set('after_seq', String(after));
    return newest(() => api<{ records: AuditRecord[]; next_after_seq?: number }>('GET', `/audit?${q}`), (r) => {
      setRecords((old) => (after === undefined ? r.records : [...old, ...r.records]));
      setNext(r.next_after_seq);
      setError(undefined);
    }, setError);
  };
  useEffect(() => { void load(); }, []);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const f = { actor: String(d.get('actor') ?? ''), action: String(d.get('action') ?? '') };
    setFilter(f);
    void load(undefined, f);
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p>The operator chain, last 24 hours, oldest first. Every console action is here under the officer's name.</p>
      <form className="console-filters" onSubmit={submit} aria-label="Filter the audit log">
        <label>Actor <input name="actor" maxLength={100} /></label>
        <label>Action <input name="action" maxLength={100} /></label>
        <button type="submit">Filter</button>
      </form>
      {error !== undefined ? <Failure error={error} /> : (
        <table className="console-audit">
          <caption>{records.length} records</caption>
          <thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">On</th><th scope="col">Outcome</th></tr></thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.seq} data-action={r.action}>
                <td>{r.seq}</td>
                <td><time dateTime={r.at}>{new Date(r.at).toLocaleString()}</time></td>
                <td>{r.actor_id ?? r.actor_type}</td>
                <td>{r.action}</td>
                <td>{r.resource_id}</td>
                <td>{r.outcome}{r.reason ? `: ${r.reason}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== undefined && <button type="button" onClick={() => void load(next)}>More</button>}
    </section>
  );
}

/** Officers, for operators: invite (the link is shown once), unlock, disable. Changes need a recent sign-in. */
function Officers({ session, onSession }: { session: SessionInfo; onSession: (s: SessionInfo) => void }) {
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [error, setError] = useState<unknown>();
  const [link, setLink] = useState<string | undefined>();
  const [pending, setPending] = useState<(() => Promise<void>) | undefined>();
  const load = () => api<{ officers: Officer[] }>('GET', '/officers').then((r) => { setOfficers(r.officers); setError(undefined); }, setError);
  useEffect(() => { void load(); }, []);
  // a sensitive change: when the server asks for a recent sign-in, ask for password and code, then try once more
  const sensitive = async (action: () => Promise<void>) => {
    try {
      await action();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'reauthentication_required') setPending(() => action);
      else setError(e);
    }
  };
  const invite = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    void sensitive(async () => {
      const r = await api<{ setup_path: string }>('POST', '/officers', { name: d.get('name'), role: d.get('role') });
      setLink(`${location.origin}${r.setup_path}`);
      await load();
    });
  };
  return (
    <section aria-labelledby="officers-title">
      <h1 id="officers-title">Officers</h1>
      {error !== undefined && <Failure error={error} />}
      <table>
        <caption>{officers.length} officers</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {officers.map((o) => (
            <tr key={o.name}>
              <td>{o.name}</td>
              <td>{o.role}</td>
              <td>{o.disabled_at ? 'disabled' : o.locked_until ? `locked until ${new Date(o.locked_until).toLocaleTimeString()}` : o.active ? 'active' : 'invited'}</td>
              <td>
                {o.locked_until && <button type="button" onClick={() => void sensitive(async () => { await api('POST', `/officers/${encodeURIComponent(o.name)}/unlock`); await load(); })}>Unlock {o.name}</button>}
                {!o.disabled_at && o.name !== session.officer.name && (
                  <button type="button" onClick={() => void sensitive(async () => { await api('POST', `/officers/${encodeURIComponent(o.name)}/disable`); await load(); })}>Disable {o.name}</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Invite an officer</h2>
      <form onSubmit={invite} aria-label="Invite an officer">
        <label>Name <input name="name" required maxLength={100} pattern="[a-z0-9][a-z0-9._@\-]{0,99}" /></label>
        <label>Role
          <select name="role" defaultValue="compliance">
            <option value="operator">operator</option><option value="compliance">compliance</option>
            <option value="moderator">moderator</option><option value="auditor">auditor</option>
          </select>
        </label>
        <button type="submit">Invite</button>
      </form>
      {link && <p role="status">Send this link to the officer; it works once, for 24 hours, and is not shown again: <code className="console-secret">{link}</code></p>}
      {pending && (
        <Reauthenticate onDone={(s) => { onSession(s); const again = pending; setPending(undefined); void sensitive(again); }}
                        onCancel={() => setPending(undefined)} />
      )}
    </section>
  );
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
        <label>Password <input name="password" type="password" autoComplete="current-password" required /></label>
        <label>Code <input name="code" autoComplete="one-time-code" required maxLength={14} /></label>
        <button type="submit">Confirm</button> <button type="button" onClick={onCancel}>Cancel</button>
        {error && <p className="console-error" role="alert">{error}</p>}
      </form>
    </div>
  );
}
