import { useId, useRef, useState, type FormEvent } from 'react';
import { isChatError, type MessageResponse } from '@chatsdk/client';
import { useChatContext } from './context.js';
import { RichText } from './text.js';

/** What the box shows: nothing yet, a search running, its results, or why it failed. */
type Found =
  | { kind: 'idle' }
  | { kind: 'loading'; query: string; results: MessageResponse[] }
  | { kind: 'done'; query: string; results: MessageResponse[]; next?: string }
  | { kind: 'failed'; query: string; results: MessageResponse[]; error: string };

/**
 * Message search over the channels the user can read (docs/search.md): type words, press Enter, pick a result. By
 * default it searches the user's own channels and opens the result's channel; `meaning` searches by meaning instead of
 * words (`$semantic`: it needs the app's AI embeddings, which the operator switches on). Results page with "More
 * results"; a status line tells screen readers how many were found.
 */
export function SearchBox({ filters, meaning = false, limit = 20, onSelect, placeholder = 'Search messages' }: {
  /** Which channels to search, as a channel filter; default: the user's own. */
  filters?: Record<string, unknown>;
  /** Search by meaning (`$semantic`) rather than by words. */
  meaning?: boolean;
  limit?: number;
  /** Called with the chosen message; by default its channel becomes the active one. */
  onSelect?: (message: MessageResponse) => void;
  placeholder?: string;
}) {
  const { client, setActive } = useChatContext();
  const [text, setText] = useState('');
  const [found, setFound] = useState<Found>({ kind: 'idle' });
  const run = useRef(0);
  const inputId = useId();

  const search = async (query: string, next?: string, before: MessageResponse[] = []) => {
    const mine = ++run.current;   // an older search that answers late is dropped
    setFound({ kind: 'loading', query, results: before });
    try {
      const channels = filters ?? { members: { $in: [client.userID ?? ''] } };
      const page = meaning
        ? await client.search(channels, null, { message_filter_conditions: { text: { $semantic: query } }, limit, ...(next ? { next } : {}) })
        : await client.search(channels, query, { limit, ...(next ? { next } : {}) });
      if (mine !== run.current) return;
      setFound({ kind: 'done', query, results: [...before, ...page.results.map((r) => r.message)], ...(page.next ? { next: page.next } : {}) });
    } catch (e: unknown) {
      if (mine !== run.current) return;
      const error = isChatError(e) && e.code === 'feature_disabled' ? 'Search by meaning is not switched on for this app.'
        : isChatError(e) && e.code === 'validation_error' ? `The search was not understood: ${e.message}`
        : e instanceof Error ? e.message : String(e);
      setFound({ kind: 'failed', query, results: before, error });
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const query = text.trim();
    if (query) void search(query);
    else { run.current++; setFound({ kind: 'idle' }); }
  };

  const choose = (m: MessageResponse) => {
    if (onSelect) { onSelect(m); return; }
    const [type, id] = m.cid.split(':') as [string, string];
    setActive(client.channel(type, id));
  };

  const results = found.kind === 'idle' ? [] : found.results;
  const status = found.kind === 'idle' ? ''
    : found.kind === 'loading' ? 'Searching…'
    : found.kind === 'failed' ? found.error
    : results.length === 0 ? `No messages found for “${found.query}”.`
    : `${results.length}${found.next ? '+' : ''} ${results.length === 1 ? 'message' : 'messages'} found for “${found.query}”.`;

  return (
    <div className="chatsdk-search">
      <form role="search" onSubmit={submit}>
        <label htmlFor={inputId} className="chatsdk-visually-hidden">{meaning ? 'Search messages by meaning' : 'Search messages'}</label>
        <input id={inputId} type="search" value={text} placeholder={placeholder} maxLength={1000} autoComplete="off"
               onChange={(e) => setText(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <p className={`chatsdk-search-status${found.kind === 'failed' ? ' chatsdk-search-error' : ''}`} role="status" aria-live="polite">{status}</p>
      {results.length > 0 && (
        <ul className="chatsdk-search-results" aria-label="Search results">
          {results.map((m) => (
            <li key={m.id}>
              <button type="button" className="chatsdk-search-result" data-message-id={m.id} onClick={() => choose(m)}>
                <span className="chatsdk-search-meta">
                  <span className="chatsdk-search-author">{m.user_id}</span>
                  {' in '}
                  <span className="chatsdk-search-channel">{m.cid.slice(m.cid.indexOf(':') + 1)}</span>
                  {' · '}
                  <time dateTime={m.created_at}>{new Date(m.created_at).toLocaleString()}</time>
                </span>
                <span className="chatsdk-search-text"><RichText text={m.text} links={false} /></span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {found.kind === 'done' && found.next && (
        <button type="button" className="chatsdk-search-more" onClick={() => void search(found.query, found.next, found.results)}>More results</button>
      )}
    </div>
  );
}
