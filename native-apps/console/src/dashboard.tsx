import { useEffect, useRef, useState } from 'react';
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';
import { api, type Officer } from './api.js';
import { Failure, useAppList, useNewest } from './common.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

interface Day { day: string; messages: number; active_users: number }
interface Queue { kind: string; pending: number | null; dead: number | null }
interface ChainStatus { chain: string; last_seq: number; last_at: string | null; checkpoint_seq: number; checkpoint_at: string | null }
interface Stats { days: Day[]; connections: { this_node: number }; queues: Queue[]; audit_chains: ChainStatus[] }
interface Verification {
  chain: string;
  ok: boolean;
  status: 'intact' | 'broken' | 'unknown_signer';
  records: number;
  checkpoints: number;
  problem: string | null;
  verified_at: string;
}
interface App { id: string; name: string }

const QUEUE_NAMES: Record<string, string> = { webhook: 'Webhook deliveries', push: 'Mobile pushes', 'search.index': 'Search indexing' };

/** A chart drawn by Chart.js on a canvas; the same numbers are in a table beside it for screen readers and copying. */
function DayChart({ label, days, pick, kind }: { label: string; days: Day[]; pick: (d: Day) => number; kind: 'bar' | 'line' }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    const chart = new Chart(canvas.current, {
      type: kind,
      data: { labels: days.map((d) => d.day.slice(5)), datasets: [{ label, data: days.map(pick), backgroundColor: '#4338ca', borderColor: '#4338ca' }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    return () => chart.destroy();
  }, [days, label, kind]);
  const total = days.reduce((n, d) => n + pick(d), 0);
  return (
    <figure className="console-chart">
      <figcaption>{label}</figcaption>
      <div className="console-chart-canvas">
        <canvas ref={canvas} role="img" aria-label={`${label}, ${days.length} days from ${days[0]?.day ?? ''}: ${total} in all, ${pick(days[days.length - 1] ?? { day: '', messages: 0, active_users: 0 })} today`} />
      </div>
    </figure>
  );
}

function chainName(chain: string, apps: App[]): string {
  if (chain === 'operator') return 'Operator chain';
  const a = apps.find((x) => x.id === chain);
  return a ? `${a.name} (${chain})` : chain;
}

/**
 * The dashboard: messages and active users per day (charts), this node's open connections, the job queues and their
 * dead letters, and each audit chain's head, signed checkpoint and, on demand, a full verification.
 */
export function Dashboard({ me }: { me: Officer }) {
  const [stats, setStats] = useState<Stats | undefined>();
  const apps = useAppList();
  const [app, setApp] = useState('');
  const [error, setError] = useState<unknown>();
  const [verified, setVerified] = useState<Record<string, Verification | 'running' | { failed: string }>>({});
  const newest = useNewest();
  useEffect(() => {
    const q = new URLSearchParams({ days: '14' });
    if (app) q.set('app', app);
    void newest(() => api<Stats>('GET', `/stats?${q}`), (s) => { setStats(s); setError(undefined); }, setError);
  }, [app]);
  const verify = async (chain: string) => {
    setVerified((v) => ({ ...v, [chain]: 'running' }));
    try {
      const r = await api<Verification>('GET', `/audit/chains/${encodeURIComponent(chain)}/verification`);
      setVerified((v) => ({ ...v, [chain]: r }));
    } catch (e) {
      setVerified((v) => ({ ...v, [chain]: { failed: e instanceof Error ? e.message : String(e) } }));
    }
  };
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <p>Signed in as <strong>{me.name}</strong>, {me.role}.</p>
      {error !== undefined && <Failure error={error} />}
      <label>Messages of
        <select value={app} onChange={(e) => setApp(e.target.value)}>
          <option value="">all apps</option>
          {apps.map((a) => <option key={a.id} value={a.id}>{a.name} ({a.id})</option>)}
        </select>
      </label>
      {stats && (
        <>
          <div className="console-charts">
            <DayChart label="Messages per day (UTC)" days={stats.days} pick={(d) => d.messages} kind="bar" />
            <DayChart label="Active users per day (UTC, users who sent a message)" days={stats.days} pick={(d) => d.active_users} kind="line" />
          </div>
          <details>
            <summary>The numbers per day</summary>
            <table>
              <caption>Messages and active users per UTC day</caption>
              <thead><tr><th scope="col">Day</th><th scope="col">Messages</th><th scope="col">Active users</th></tr></thead>
              <tbody>{stats.days.map((d) => <tr key={d.day}><td>{d.day}</td><td>{d.messages}</td><td>{d.active_users}</td></tr>)}</tbody>
            </table>
          </details>
          <p className="console-tile" aria-label="Open connections">
            <strong data-testid="connections">{stats.connections.this_node}</strong> open WebSocket connections on this node
          </p>
          <table>
            <caption>Job queues</caption>
            <thead><tr><th scope="col">Queue</th><th scope="col">Waiting</th><th scope="col">Dead letters</th></tr></thead>
            <tbody>
              {stats.queues.map((q) => (
                <tr key={q.kind} data-queue={q.kind}>
                  <td>{QUEUE_NAMES[q.kind] ?? q.kind}</td>
                  <td>{q.pending ?? 'unknown'}</td>
                  <td>{q.dead ?? 'unknown'}{(q.dead ?? 0) > 0 && me.role === 'operator' && <> (<a href="#/dead-letters">review</a>)</>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <caption>Audit chains</caption>
            <thead><tr><th scope="col">Chain</th><th scope="col">Records</th><th scope="col">Last record</th><th scope="col">Signed up to</th><th scope="col">Verification</th></tr></thead>
            <tbody>
              {stats.audit_chains.map((c) => {
                const v = verified[c.chain];
                const name = chainName(c.chain, apps);
                return (
                  <tr key={c.chain} data-chain={c.chain}>
                    <td>{name}</td>
                    <td>{c.last_seq}</td>
                    <td>{c.last_at ? <time dateTime={c.last_at}>{new Date(c.last_at).toLocaleString()}</time> : ''}</td>
                    <td>{c.checkpoint_seq > 0 ? `#${c.checkpoint_seq}${c.checkpoint_at ? `, ${new Date(c.checkpoint_at).toLocaleString()}` : ''}` : 'no checkpoint yet'}
                      {c.last_seq > c.checkpoint_seq ? ` (${c.last_seq - c.checkpoint_seq} newer records not signed yet)` : ''}</td>
                    <td>
                      {v === undefined ? <button type="button" onClick={() => void verify(c.chain)}>Verify {name}</button>
                        : v === 'running' ? <span role="status">Verifying…</span>
                        : 'failed' in v ? <span className="console-error" role="alert">Could not verify: {v.failed}</span>
                        : v.ok ? <span role="status" className="console-ok">Intact: {v.records} records, {v.checkpoints} checkpoints</span>
                        : v.status === 'unknown_signer'
                          ? <span role="status">Signed by a key this server does not hold (a replaced key, or another node&apos;s): verify the export offline with every public key. {v.problem}</span>
                          : <span role="alert" className="console-error">Broken: {v.problem}</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
