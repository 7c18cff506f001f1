import { useEffect, useState, type FormEvent } from 'react';
import { api, apiBackground, apiFile, save, type SessionInfo } from './api.js';
import { AppPicker, Failure, ids, useApps, useNewest, useSensitive } from './common.js';

interface ExportJob {
  id: string;
  kind: 'messages' | 'data_subject';
  format: string;
  request: { from?: string | null; to?: string | null; user_ids?: string[]; channel_cids?: string[]; user_id?: string };
  requested_by: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'expired';
  done_messages: number;
  total_messages: number | null;
  size_bytes: number | null;
  sha256: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  expires_at: string | null;
}

/** A date input's day as the start of that day in UTC, or null when empty. */
function day(value: FormDataEntryValue | null, plusDays = 0): string | null {
  const v = String(value ?? '');
  if (!v) return null;
  const d = new Date(`${v}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + plusDays);
  return d.toISOString();
}

function scope(j: ExportJob): string {
  if (j.kind === 'data_subject') return `everything about user ${j.request.user_id ?? '?'}`;
  const parts = [`${j.format} of`];
  parts.push(j.request.channel_cids?.length ? `channels ${j.request.channel_cids.join(', ')}` : 'all channels');
  if (j.request.user_ids?.length) parts.push(`by ${j.request.user_ids.join(', ')}`);
  if (j.request.from) parts.push(`from ${j.request.from.slice(0, 10)}`);
  if (j.request.to) parts.push(`before ${j.request.to.slice(0, 10)}`);
  return parts.join(' ');
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Compliance exports and data subject requests of an app: start an export (a background job), watch its progress,
 * download the file when done (kept for a day); export or erase one user's data. Starting, downloading and erasing
 * need a recent sign-in. Auditors see the jobs and download, but start nothing.
 */
export function Exports({ canChange, onSession }: { canChange: boolean; onSession: (s: SessionInfo) => void }) {
  const [jobs, setJobs] = useState<ExportJob[]>([]);
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string | undefined>();
  const [erasing, setErasing] = useState<{ user: string; app: string } | undefined>();
  const { apps, app, setApp } = useApps(setError);
  const { sensitive, dialog } = useSensitive(onSession, setError);
  const newest = useNewest();
  const load = async (id = app, background = false) => {
    if (!id) return;
    const path = `/apps/${id}/compliance/export-jobs?limit=20`;
    await newest(() => (background ? apiBackground<{ exports: ExportJob[] }>(path) : api<{ exports: ExportJob[] }>('GET', path)),
      (r) => { setJobs(r.exports); setError(undefined); }, setError);
  };
  useEffect(() => { void load(); setErasing(undefined); }, [app]);
  // while a job is queued or running, its progress is read again every 2 s: not while the tab is hidden, not after a
  // failed read (the error shows instead), and without counting as the officer's activity (the idle timeout still runs)
  const active = error === undefined && jobs.some((j) => j.state === 'queued' || j.state === 'running');
  useEffect(() => {
    if (!active) return undefined;
    const t = setInterval(() => { if (!document.hidden) void load(app, true); }, 2000);
    return () => clearInterval(t);
  }, [active, app]);

  const start = (body: Record<string, unknown>, form: HTMLFormElement) => sensitive(async () => {
    const r = await api<{ export: ExportJob }>('POST', `/apps/${app}/compliance/export-jobs`, body);
    form.reset();
    setStatus(`Export ${r.export.id.slice(0, 8)} started.`);
    await load();
  });
  const exportMessages = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    void start({ format: d.get('format'), from: day(d.get('from')), to: day(d.get('to'), 1), user_ids: ids(d.get('users')), channel_cids: ids(d.get('channels')) },
      e.currentTarget);
  };
  const exportSubject = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    void start({ kind: 'data_subject', user_id: String(d.get('user') ?? '').trim() }, e.currentTarget);
  };
  const download = (j: ExportJob) => sensitive(async () => {
    const file = await apiFile(`/apps/${app}/compliance/export-jobs/${j.id}/download`);
    save(file);
    setStatus(`Downloaded ${file.name} (${size(file.blob.size)})${file.checked ? ', SHA-256 checked' : ''}.`);
  });
  const erase = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    if (!erasing) return;
    const { user, app: target } = erasing;
    if (String(d.get('confirm') ?? '') !== user) {
      setError(new Error(`Type the user id ${user} to confirm.`));
      return;
    }
    void sensitive(async () => {
      const r = await api<{ erased: Record<string, number> }>('POST', `/apps/${target}/compliance/users/${encodeURIComponent(user)}/erase`, { mode: d.get('mode') });
      setErasing(undefined);
      setStatus(`Erased ${user}: ${Object.entries(r.erased).map(([k, v]) => `${v} ${k}`).join(', ')}.`);
    });
  };

  return (
    <section aria-labelledby="exports-title">
      <h1 id="exports-title">Exports and data subject requests</h1>
      <AppPicker apps={apps} app={app} setApp={setApp} />
      {error !== undefined && <Failure error={error} />}
      {status && <p role="status">{status}</p>}
      <table className="console-exports">
        <caption>Exports of the last days, newest first (files are kept for a day)</caption>
        <thead><tr><th scope="col">Started</th><th scope="col">What</th><th scope="col">By</th><th scope="col">Progress</th><th scope="col">State</th><th scope="col">File</th></tr></thead>
        <tbody>
          {jobs.map((j) => {
            const name = `export ${j.id.slice(0, 8)}`;
            return (
              <tr key={j.id} data-export={j.id}>
                <td><time dateTime={j.created_at}>{new Date(j.created_at).toLocaleString()}</time></td>
                <td>{scope(j)}</td>
                <td>{j.requested_by}</td>
                <td>
                  <progress aria-label={`Progress of ${name}`} max={Math.max(j.total_messages ?? 1, 1)}
                            value={j.state === 'done' ? Math.max(j.total_messages ?? 1, 1) : j.done_messages} />{' '}
                  <span>{j.done_messages} of {j.total_messages ?? '?'} messages</span>
                </td>
                <td>{j.state}{j.error ? `: ${j.error}` : ''}</td>
                <td>
                  {j.state === 'done' && (
                    <>
                      <button type="button" onClick={() => void download(j)}>Download {name}</button>
                      <div>{size(j.size_bytes ?? 0)}, SHA-256 <code className="console-secret">{j.sha256}</code></div>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {canChange && app && (
        <div className="console-columns">
          <form onSubmit={exportMessages} aria-label="Export messages">
            <h2>Export messages</h2>
            <label>Format
              <select name="format" defaultValue="jsonl">
                <option value="jsonl">JSON Lines</option><option value="csv">CSV</option>
                <option value="eml">EML (zip)</option><option value="xml">XML (Actiance)</option>
              </select>
            </label>
            <label>From (UTC day, optional) <input name="from" type="date" /></label>
            <label>To (UTC day, included, optional) <input name="to" type="date" /></label>
            <label>By users (comma-separated, optional) <input name="users" maxLength={10000} /></label>
            <label>In channels, as type:id (comma-separated, optional) <input name="channels" maxLength={10000} /></label>
            <button type="submit">Start export</button>
          </form>
          <div>
            <form onSubmit={exportSubject} aria-label="Data subject export">
              <h2>A data subject's request</h2>
              <label>User id <input name="user" required maxLength={255} /></label>
              <button type="submit">Export their data</button>
            </form>
            <form onSubmit={(e) => { e.preventDefault(); const u = String(new FormData(e.currentTarget).get('user') ?? '').trim(); if (u) setErasing({ user: u, app }); }}
                  aria-label="Erase a user">
              <label>User id to erase <input name="user" required maxLength={255} /></label>
              <button type="submit">Erase…</button>
            </form>
          </div>
        </div>
      )}
      {erasing !== undefined && (
        <div className="console-dialog" role="dialog" aria-modal="true" aria-labelledby="erase-title">
          <form onSubmit={erase}>
            <h2 id="erase-title">Erase {erasing.user}?</h2>
            <p>In app <strong>{apps.find((a) => a.id === erasing.app)?.name ?? erasing.app}</strong> ({erasing.app}).</p>
            <p>Their profile is cleared and the account deactivated; their reactions, flags and memberships go. Legal holds still keep the messages they cover. This cannot be undone.</p>
            <label>How
              <select name="mode" defaultValue="delete">
                <option value="delete">Delete their messages</option>
                <option value="anonymize">Keep their messages under a random stand-in author</option>
              </select>
            </label>
            <label>Type the user id to confirm <input name="confirm" required autoComplete="off" autoFocus /></label>
            <button type="submit">Erase {erasing.user}</button> <button type="button" onClick={() => setErasing(undefined)}>Cancel</button>
          </form>
        </div>
      )}
      {dialog}
    </section>
  );
}
