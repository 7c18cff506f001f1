import { useEffect, useState } from 'react';
import { api } from './api.js';
import { AppPicker, Failure, useApps, useNewest } from './common.js';

interface Flag {
  id: string;
  target_type: string;
  target_message_id: string | null;
  target_user_id: string;
  channel_cid: string | null;
  user_id: string;
  reason: string | null;
  created_at: string;
}

/** An app's open flags, for moderators: dismiss, delete the message, or ban its author. Each review is audited. */
export function Moderation() {
  const [flags, setFlags] = useState<Flag[]>([]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | undefined>();
  const { apps, app, setApp } = useApps(setError);
  const newest = useNewest();
  const load = async (id = app) => {
    if (!id) return;
    await newest(() => api<{ flags: Flag[] }>('GET', `/apps/${id}/moderation/flags?limit=100`),
      (r) => { setFlags(r.flags); setError(undefined); }, setError);
  };
  useEffect(() => { void load(); }, [app]);
  const review = async (f: Flag, action: string, label: string) => {
    try {
      await api('POST', `/apps/${app}/moderation/flags/${f.id}/review`, { action });
      setDone(`${label}: done.`);
      await load();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="moderation-title">
      <h1 id="moderation-title">Moderation</h1>
      <AppPicker apps={apps} app={app} setApp={setApp} />
      {error !== undefined && <Failure error={error} />}
      {done && <p role="status">{done}</p>}
      <table>
        <caption>{flags.length} open flags</caption>
        <thead><tr><th scope="col">Flagged</th><th scope="col">Channel</th><th scope="col">By</th><th scope="col">Reason</th><th scope="col">When</th><th scope="col">Review</th></tr></thead>
        <tbody>
          {flags.map((f) => (
            <tr key={f.id} data-flag={f.target_message_id ?? f.target_user_id}>
              <td>{f.target_type === 'message' ? `message ${f.target_message_id ?? ''} by ${f.target_user_id}` : `user ${f.target_user_id}`}</td>
              <td>{f.channel_cid ?? ''}</td>
              <td>{f.user_id}</td>
              <td>{f.reason ?? ''}</td>
              <td><time dateTime={f.created_at}>{new Date(f.created_at).toLocaleString()}</time></td>
              <td>
                <button type="button" onClick={() => void review(f, 'dismiss', 'Dismissed')}>Dismiss</button>{' '}
                {f.target_message_id && <button type="button" onClick={() => void review(f, 'delete_message', 'Message deleted')}>Delete message</button>}{' '}
                <button type="button" onClick={() => void review(f, 'ban_user', `${f.target_user_id} banned`)}>Ban {f.target_user_id}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
