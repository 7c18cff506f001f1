import { useEffect, useState, type FormEvent } from 'react';
import { api, type Officer } from './api.js';
import { AppPicker, Failure, useApps, useNewest } from './common.js';

interface User {
  id: string;
  name?: string;
  role: string;
  banned: boolean;
  ban_expires?: string;
  deactivated: boolean;
  deactivated_at?: string;
  last_active?: string;
  created_at: string;
}

interface Channel {
  cid: string;
  name?: string;
  frozen: boolean;
  member_count: number;
  last_seq: number;
  last_message_at?: string;
  created_at: string;
}

const PAGE = 25;

function state(u: User): string {
  const s = [];
  if (u.deactivated) s.push('deactivated');
  if (u.banned) s.push(u.ban_expires ? `banned until ${new Date(u.ban_expires).toLocaleString()}` : 'banned');
  return s.length ? s.join(', ') : 'active';
}

/**
 * An app's users: find by id or name, or list the banned; view one with their channels; deactivate and reactivate
 * (operators), ban and unban (moderators and operators). Exports and erasure are on the Exports screen.
 */
export function Users({ me }: { me: Officer }) {
  const [users, setUsers] = useState<User[]>([]);
  const [query, setQuery] = useState({ q: '', banned: false });
  const [offset, setOffset] = useState(0);
  const [viewing, setViewing] = useState<{ user: User; channels: string[]; app: string } | undefined>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string | undefined>();
  const { apps, app, setApp } = useApps(setError);
  const newest = useNewest();
  const operator = me.role === 'operator';
  const moderates = operator || me.role === 'moderator';
  const load = async (id = app, q = query, at = offset) => {
    if (!id) return;
    const p = new URLSearchParams({ limit: String(PAGE), offset: String(at) });
    if (q.q) p.set('q', q.q);
    if (q.banned) p.set('banned', 'true');
    await newest(() => api<{ users: User[] }>('GET', `/apps/${id}/users?${p}`), (r) => { setUsers(r.users); setError(undefined); }, setError);
  };
  useEffect(() => { setViewing(undefined); void load(app, query, 0); setOffset(0); }, [app]);
  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const q = { q: String(d.get('q') ?? '').trim(), banned: d.get('banned') === 'on' };
    setQuery(q);
    setOffset(0);
    void load(app, q, 0);
  };
  const page = (at: number) => { setOffset(at); void load(app, query, at); };
  // through the same `newest` as the list: an answer for the app picked before is dropped, never shown for this one
  const view = (u: User) => {
    const of = app;
    void newest(() => api<{ user: User; channels: string[] }>('GET', `/apps/${of}/users/${encodeURIComponent(u.id)}`),
      (r) => setViewing({ ...r, app: of }), setError);
  };
  const act = async (u: User, path: string, label: string, body?: unknown, of = app) => {
    try {
      const r = await api<{ user: User }>('POST', `/apps/${of}/users/${encodeURIComponent(u.id)}/${path}`, body);
      setStatus(`${u.id}: ${label}.`);
      if (viewing?.user.id === u.id) setViewing({ ...viewing, user: r.user });
      await load();
    } catch (x) {
      setError(x);
    }
  };
  const ban = (e: FormEvent<HTMLFormElement>, u: User) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const minutes = Number(d.get('minutes') ?? 0);
    const reason = String(d.get('reason') ?? '').trim();
    if (!viewing) return;
    void act(u, 'ban', 'banned', { ...(reason ? { reason } : {}), ...(minutes > 0 ? { timeout_minutes: minutes } : {}) }, viewing.app);
  };
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <AppPicker apps={apps} app={app} setApp={setApp} />
      <form className="console-filters" onSubmit={search} aria-label="Find users">
        <label>Id or name starts with <input name="q" maxLength={100} /></label>
        <label className="console-check"><input type="checkbox" name="banned" /> Banned only</label>
        <button type="submit">Find</button>
      </form>
      {error !== undefined && <Failure error={error} />}
      {status && <p role="status">{status}</p>}
      <table>
        <caption>{users.length === 0 ? 'No users found' : `Users ${offset + 1} to ${offset + users.length}`}</caption>
        <thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Last active</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-user={u.id}>
              <td>{u.id}</td>
              <td>{u.name ?? ''}</td>
              <td>{u.role}</td>
              <td>{state(u)}</td>
              <td>{u.last_active ? <time dateTime={u.last_active}>{new Date(u.last_active).toLocaleString()}</time> : ''}</td>
              <td>
                <button type="button" onClick={() => view(u)}>View {u.id}</button>{' '}
                {operator && (u.deactivated
                  ? <button type="button" onClick={() => void act(u, 'reactivate', 'reactivated')}>Reactivate {u.id}</button>
                  : <button type="button" onClick={() => void act(u, 'deactivate', 'deactivated')}>Deactivate {u.id}</button>)}{' '}
                {moderates && u.banned && <button type="button" onClick={() => void act(u, 'unban', 'unbanned')}>Unban {u.id}</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="console-filters">
        {offset > 0 && <button type="button" onClick={() => page(Math.max(0, offset - PAGE))}>Previous page</button>}
        {users.length === PAGE && <button type="button" onClick={() => page(offset + PAGE)}>Next page</button>}
      </div>
      {viewing && (
        <section aria-labelledby="user-title" className="console-panel">
          <h2 id="user-title">User {viewing.user.id}</h2>
          <dl className="console-facts">
            <dt>Name</dt><dd>{viewing.user.name ?? '—'}</dd>
            <dt>Role</dt><dd>{viewing.user.role}</dd>
            <dt>State</dt><dd>{state(viewing.user)}</dd>
            <dt>Created</dt><dd>{new Date(viewing.user.created_at).toLocaleString()}</dd>
            <dt>Channels</dt><dd>{viewing.channels.length ? viewing.channels.join(', ') : 'none'}{viewing.channels.length >= 30 ? ' (the first 30)' : ''}</dd>
          </dl>
          {moderates && !viewing.user.banned && (
            <form onSubmit={(e) => ban(e, viewing.user)} aria-label={`Ban ${viewing.user.id}`}>
              <label>Reason (optional) <input name="reason" maxLength={500} /></label>
              <label>For minutes (empty: until unbanned) <input name="minutes" type="number" min={1} max={525600} /></label>
              <button type="submit">Ban {viewing.user.id}</button>
            </form>
          )}
          <button type="button" onClick={() => setViewing(undefined)}>Close</button>
        </section>
      )}
    </section>
  );
}

/** An app's channels: find by id or name; freeze and unfreeze (operators). */
export function Channels({ me }: { me: Officer }) {
  const [channels, setChannels] = useState<Channel[]>([]);
  const [q, setQ] = useState('');
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string | undefined>();
  const { apps, app, setApp } = useApps(setError);
  const newest = useNewest();
  const load = async (id = app, text = q) => {
    if (!id) return;
    const p = new URLSearchParams();
    if (text) p.set('q', text);
    await newest(() => api<{ channels: Channel[] }>('GET', `/apps/${id}/channels?${p}`), (r) => { setChannels(r.channels); setError(undefined); }, setError);
  };
  useEffect(() => { void load(); }, [app]);
  const freeze = async (c: Channel, frozen: boolean) => {
    const [type, ...rest] = c.cid.split(':');
    try {
      await api('POST', `/apps/${app}/channels/${encodeURIComponent(type ?? '')}/${encodeURIComponent(rest.join(':'))}/frozen`, { frozen });
      setStatus(`${c.cid} is ${frozen ? 'frozen' : 'open again'}.`);
      await load();
    } catch (x) {
      setError(x);
    }
  };
  return (
    <section aria-labelledby="channels-title">
      <h1 id="channels-title">Channels</h1>
      <AppPicker apps={apps} app={app} setApp={setApp} />
      <form className="console-filters" aria-label="Find channels"
            onSubmit={(e) => { e.preventDefault(); const t = String(new FormData(e.currentTarget).get('q') ?? '').trim(); setQ(t); void load(app, t); }}>
        <label>Id or name starts with <input name="q" maxLength={100} /></label>
        <button type="submit">Find</button>
      </form>
      {error !== undefined && <Failure error={error} />}
      {status && <p role="status">{status}</p>}
      <table>
        <caption>{channels.length} channels, latest activity first</caption>
        <thead><tr><th scope="col">Channel</th><th scope="col">Name</th><th scope="col">Members</th><th scope="col">Messages sent</th><th scope="col">Last message</th><th scope="col">State</th>{me.role === 'operator' && <th scope="col">Actions</th>}</tr></thead>
        <tbody>
          {channels.map((c) => (
            <tr key={c.cid} data-channel={c.cid}>
              <td><code>{c.cid}</code></td>
              <td>{c.name ?? ''}</td>
              <td>{c.member_count}</td>
              <td>{c.last_seq}</td>
              <td>{c.last_message_at ? <time dateTime={c.last_message_at}>{new Date(c.last_message_at).toLocaleString()}</time> : ''}</td>
              <td>{c.frozen ? 'frozen' : 'open'}</td>
              {me.role === 'operator' && (
                <td>{c.frozen
                  ? <button type="button" onClick={() => void freeze(c, false)}>Unfreeze {c.cid}</button>
                  : <button type="button" onClick={() => void freeze(c, true)}>Freeze {c.cid}</button>}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
