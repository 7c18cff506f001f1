import { useEffect, useState } from 'react';
import { api } from './api.js';
import { Failure, useAppList, useNewest } from './common.js';

/** A dead-lettered job as JobsAdminResource.wire answers it: never its payload. */
interface DeadJob {
  id: string;
  kind: string;
  app_id: string | null;
  attempts: number;
  last_error: string | null;
  dead_at: string;
}

/** The job kinds the engine registers (Webhooks.KIND, Push.KIND, SearchIndex.KIND). */
const KINDS: [string, string][] = [
  ['webhook', 'Webhook deliveries'],
  ['push', 'Mobile pushes'],
  ['search.index', 'Search indexing'],
];

const LIMIT = 100;

/** Jobs that used up their attempts, per kind, for operators: retry one (a fresh round of attempts) or discard it. */
export function DeadLetters() {
  const [kind, setKind] = useState('webhook');
  const [jobs, setJobs] = useState<DeadJob[]>([]);
  const apps = useAppList();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | undefined>();
  const newest = useNewest();
  const load = async (k = kind) => {
    await newest(() => api<{ dead_jobs: DeadJob[] }>('GET', `/jobs/${encodeURIComponent(k)}/dead?limit=${LIMIT}`),
      (r) => { setJobs(r.dead_jobs); setError(undefined); }, setError);
  };
  useEffect(() => { void load(); }, [kind]);
  const appName = (id: string | null) => {
    if (!id) return '';
    const a = apps.find((x) => x.id === id);
    return a ? `${a.name} (${id})` : id;
  };
  const act = async (j: DeadJob, retry: boolean) => {
    const path = `/jobs/${encodeURIComponent(j.kind)}/dead/${encodeURIComponent(j.id)}`;
    try {
      if (retry) await api<{ retried: string }>('POST', `${path}/retry`);
      else await api<{ discarded: string }>('DELETE', path);
      setDone(retry ? `Job ${j.id} is queued again.` : `Job ${j.id} is discarded.`);
      await load(j.kind);
    } catch (x) {
      setError(x);
    }
  };
  return (
    <section aria-labelledby="dead-title">
      <h1 id="dead-title">Dead letters</h1>
      <p>Jobs that failed every attempt. Fix the cause (an endpoint, push credentials) before retrying; a retry starts a fresh round of attempts.</p>
      <div className="console-filters">
        <label>Job kind
          <select value={kind} onChange={(e) => { setDone(undefined); setKind(e.target.value); }}>
            {KINDS.map(([k, label]) => <option key={k} value={k}>{label} ({k})</option>)}
          </select>
        </label>
        <button type="button" onClick={() => void load()}>Refresh</button>
      </div>
      {error !== undefined && <Failure error={error} />}
      {done && <p role="status">{done}</p>}
      <table>
        <caption>{jobs.length === LIMIT ? `The oldest ${LIMIT} dead ${kind} jobs` : `${jobs.length} dead ${kind} jobs`}, oldest first</caption>
        <thead><tr><th scope="col">Job</th><th scope="col">App</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Dead since</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} data-job={j.id}>
              <td><code>{j.id}</code></td>
              <td>{appName(j.app_id)}</td>
              <td>{j.attempts}</td>
              <td>{j.last_error ?? ''}</td>
              <td><time dateTime={j.dead_at}>{new Date(j.dead_at).toLocaleString()}</time></td>
              <td>
                <button type="button" onClick={() => void act(j, true)}>Retry {j.id}</button>{' '}
                <button type="button" onClick={() => void act(j, false)}>Discard {j.id}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
