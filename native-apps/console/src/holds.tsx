import { useEffect, useState, type FormEvent } from 'react';
import { api } from './api.js';
import { AppPicker, Failure, ids, useApps, useNewest } from './common.js';

interface Hold {
  id: string;
  name: string;
  reason: string;
  user_ids: string[];
  channel_cids: string[];
  created_by: string;
  created_at: string;
  active: boolean;
  released_at: string | null;
  released_by: string | null;
}

/**
 * An app's legal holds: what they keep (users' messages, channels), who placed them; place one, release one. While a
 * hold is active, what it covers is kept whatever users and retention delete (docs/compliance.md).
 */
export function LegalHolds({ canChange }: { canChange: boolean }) {
  const [holds, setHolds] = useState<Hold[]>([]);
  const [error, setError] = useState<unknown>();
  const { apps, app, setApp } = useApps(setError);
  const newest = useNewest();
  const load = async (id = app) => {
    if (!id) return;
    await newest(() => api<{ legal_holds: Hold[] }>('GET', `/apps/${id}/compliance/legal-holds`),
      (r) => { setHolds(r.legal_holds); setError(undefined); }, setError);
  };
  useEffect(() => { void load(); }, [app]);
  const place = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    try {
      await api('POST', `/apps/${app}/compliance/legal-holds`, { name: d.get('name'), reason: d.get('reason'), user_ids: ids(d.get('users')), channel_cids: ids(d.get('channels')) });
      form.reset();
      await load();
    } catch (x) {
      setError(x);
    }
  };
  const release = async (h: Hold) => {
    try {
      await api('POST', `/apps/${app}/compliance/legal-holds/${h.id}/release`);
      await load();
    } catch (x) {
      setError(x);
    }
  };
  return (
    <section aria-labelledby="holds-title">
      <h1 id="holds-title">Legal holds</h1>
      <AppPicker apps={apps} app={app} setApp={setApp} />
      {error !== undefined && <Failure error={error} />}
      <table>
        <caption>{holds.filter((h) => h.active).length} active holds</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Reason</th><th scope="col">Keeps</th><th scope="col">Placed by</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {holds.map((h) => (
            <tr key={h.id} data-hold={h.name}>
              <td>{h.name}</td>
              <td>{h.reason}</td>
              <td>{[...h.user_ids.map((u) => `user ${u}`), ...h.channel_cids.map((c) => `channel ${c}`)].join(', ')}</td>
              <td>{h.created_by}</td>
              <td>{h.active ? 'active' : `released by ${h.released_by ?? '?'}`}</td>
              <td>{h.active && canChange && <button type="button" onClick={() => void release(h)}>Release {h.name}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canChange && app && (
        <>
          <h2>Place a hold</h2>
          <form onSubmit={(e) => void place(e)} aria-label="Place a legal hold">
            <label>Name <input name="name" required maxLength={200} /></label>
            <label>Reason <input name="reason" required maxLength={1000} /></label>
            <label>User ids (comma-separated) <input name="users" maxLength={10000} /></label>
            <label>Channels, as type:id (comma-separated) <input name="channels" maxLength={10000} /></label>
            <button type="submit">Place hold</button>
          </form>
        </>
      )}
    </section>
  );
}
