import { useEffect, useState, type FormEvent } from 'react';
import { api, apiFile, save, type Officer, type SessionInfo } from './api.js';
import { Failure, useAppList, useNewest, useSensitive } from './common.js';
import { LegalHolds } from './holds.js';
import { Moderation } from './moderation.js';
import { Apps } from './apps.js';
import { Channels, Users } from './users.js';
import { Dashboard } from './dashboard.js';
import { DeadLetters } from './deadletters.js';
import { Exports } from './exports.js';
import { Retention } from './retention.js';
import { Settings } from './settings.js';

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
  const reads = READS_AUDIT.has(me.role);
  const operator = me.role === 'operator';
  const changesCompliance = operator || me.role === 'compliance';
  const links: [string, string, boolean][] = [
    ['', reads ? 'Dashboard' : 'Overview', true],
    ['apps', 'Apps', operator],
    ['users', 'Users', true],
    ['channels', 'Channels', true],
    ['moderation', 'Moderation', me.role === 'moderator' || operator],
    ['audit', 'Audit log', reads],
    ['holds', 'Legal holds', reads],
    ['retention', 'Retention', reads],
    ['exports', 'Exports', reads],
    ['dead-letters', 'Dead letters', operator],
    ['settings', 'Settings', operator],
    ['officers', 'Officers', operator],
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
        {page === '' ? (reads ? <Dashboard me={me} /> : <Overview me={me} />)
          : page === 'apps' && operator ? <Apps onSession={onSession} />
          : page === 'users' ? <Users me={me} />
          : page === 'channels' ? <Channels me={me} />
          : page === 'audit' ? <AuditLog onSession={onSession} />
          : page === 'officers' ? <Officers session={session} onSession={onSession} />
          : page === 'holds' ? <LegalHolds canChange={changesCompliance} />
          : page === 'retention' ? <Retention canChange={changesCompliance} />
          : page === 'exports' ? <Exports canChange={changesCompliance} onSession={onSession} />
          : page === 'moderation' ? <Moderation />
          : page === 'dead-letters' && operator ? <DeadLetters />
          : page === 'settings' && operator ? <Settings onSession={onSession} />
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

/**
 * The audit log: the operator chain (officers' sign-ins and console actions, app creation...) or an app's chain,
 * filtered, oldest first; its signed export (for `chatsdk audit verify`) and the public key that checks it.
 */
function AuditLog({ onSession }: { onSession: (s: SessionInfo) => void }) {
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [next, setNext] = useState<number | undefined>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string | undefined>();
  const [filter, setFilter] = useState({ actor: '', action: '' });
  const [chain, setChain] = useState('operator');
  const apps = useAppList();
  const { sensitive, dialog } = useSensitive(onSession, setError);
  const newest = useNewest();
  const base = chain === 'operator' ? '/audit' : `/apps/${chain}/compliance/audit`;
  const load = (after?: number, f = filter, path = base) => {
    const q = new URLSearchParams({ limit: '100', from: new Date(Date.now() - 24 * 3600_000).toISOString() });
    if (f.actor) q.set('actor_id', f.actor);
    if (f.action) q.set('action', f.action);
    if (after !== undefined) q.set('after_seq', String(after));
    return newest(() => api<{ records: AuditRecord[]; next_after_seq?: number }>('GET', `${path}?${q}`), (r) => {
      setRecords((old) => (after === undefined ? r.records : [...old, ...r.records]));
      setNext(r.next_after_seq);
      setError(undefined);
    }, setError);
  };
  useEffect(() => { void load(undefined, filter, base); }, [chain]);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const f = { actor: String(d.get('actor') ?? ''), action: String(d.get('action') ?? '') };
    setFilter(f);
    void load(undefined, f);
  };
  const exportChain = () => sensitive(async () => {
    const file = await apiFile(`${base}/export`);
    save(file);
    setStatus(`Downloaded ${file.name}: check it with chatsdk audit verify and the chain's public key.`);
  });
  const publicKey = async () => {
    try {
      const file = await apiFile('/audit/public-key');
      save({ blob: file.blob, name: 'audit-public-key.pem' });
    } catch (x) {
      setError(x);
    }
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p>Last 24 hours, oldest first. Every console action is in the operator chain under the officer's name; each app's chain holds what happened in that app.</p>
      <label>Chain
        <select value={chain} onChange={(e) => setChain(e.target.value)}>
          <option value="operator">Operator chain</option>
          {apps.map((a) => <option key={a.id} value={a.id}>{a.name} ({a.id})</option>)}
        </select>
      </label>
      <form className="console-filters" onSubmit={submit} aria-label="Filter the audit log">
        <label>Actor <input name="actor" maxLength={100} /></label>
        <label>Action <input name="action" maxLength={100} /></label>
        <button type="submit">Filter</button>
      </form>
      <div className="console-filters">
        <button type="button" onClick={() => void exportChain()}>Download the signed export</button>
        <button type="button" onClick={() => void publicKey()}>Download the public key</button>
      </div>
      {status && <p role="status">{status}</p>}
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
      {dialog}
    </section>
  );
}

/** Officers, for operators: invite (the link is shown once), unlock, disable. Changes need a recent sign-in. */
function Officers({ session, onSession }: { session: SessionInfo; onSession: (s: SessionInfo) => void }) {
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [error, setError] = useState<unknown>();
  const [link, setLink] = useState<string | undefined>();
  const load = () => api<{ officers: Officer[] }>('GET', '/officers').then((r) => { setOfficers(r.officers); setError(undefined); }, setError);
  useEffect(() => { void load(); }, []);
  const { sensitive, dialog } = useSensitive(onSession, setError);
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
      {dialog}
    </section>
  );
}
