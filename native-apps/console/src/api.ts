// The console's calls to the operator API (/admin/api) with the session cookie: the cookie is HttpOnly, so the page
// never sees it; the CSRF token the session answered goes in X-CSRF-Token on every change.

export interface Officer {
  name: string;
  role: 'operator' | 'compliance' | 'moderator' | 'auditor';
  active: boolean;
  locked_until: string | null;
  disabled_at: string | null;
  created_at: string;
  created_by: string;
}

export interface SessionInfo {
  officer: Officer;
  csrf_token: string;
  expires_at: string;
  recent_until: string;
}

/** A refusal from the API: its stable code (`session_expired`, `forbidden`, ...) and what it says. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, detail: string) {
    super(detail || code);
  }
}

let csrf = '';

export function setCsrf(token: string): void {
  csrf = token;
}

/** Listeners told when the session has ended (idle timeout, sign-out elsewhere, a disabled account). */
const ended = new Set<() => void>();
export function onSessionEnded(f: () => void): () => void {
  ended.add(f);
  return () => ended.delete(f);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return apiText<T>(method, path, body === undefined ? undefined : JSON.stringify(body));
}

/**
 * A GET the page makes by itself (refreshing an export's progress): the server checks the session but does not count
 * it as the officer's activity, so an open page cannot keep a session alive past its idle timeout.
 */
export async function apiBackground<T>(path: string): Promise<T> {
  return apiText<T>('GET', path, undefined, { 'X-ChatSDK-Background': '1' });
}

/** Like {@link api}, with a body that is JSON text already (an uploaded key file, sent as it is). */
export async function apiText<T>(method: string, path: string, body?: string, extra: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extra };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const r = await fetch(`/admin/api${path}`, { method, headers, credentials: 'same-origin', body });
  if (r.status === 204) return undefined as T;
  const text = await r.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(r.status, 'malformed_response', `the server answered ${r.status}`);
  }
  if (!r.ok) throw refusal(r.status, json, !path.startsWith('/console/login'));
  return json as T;
}

/**
 * The API's refusal as an {@link ApiError} from its problem document (parsed, or undefined when there was none); an
 * ended session also tells the listeners, unless it was a sign-in that failed.
 */
function refusal(status: number, problem: unknown, endsSession: boolean): ApiError {
  const p = (problem ?? {}) as { code?: string; detail?: string; title?: string };
  const e = new ApiError(status, p.code ?? `http_${status}`, p.detail ?? p.title ?? '');
  if (e.code === 'session_expired' && endsSession) ended.forEach((f) => f());
  return e;
}

/** A message for people from any error. */
export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A file the API answers (an export's download): its bytes and the name the server gave it. */
export async function apiFile(path: string): Promise<{ blob: Blob; name: string; sha256: string | null; checked: boolean }> {
  const r = await fetch(`/admin/api${path}`, { method: 'GET', credentials: 'same-origin' });
  if (!r.ok) throw refusal(r.status, await r.json().catch(() => undefined), true);
  const name = /filename="([^"]+)"/.exec(r.headers.get('Content-Disposition') ?? '')?.[1] ?? 'download';
  const blob = await r.blob();
  const sha256 = r.headers.get('X-Content-SHA256');
  // the file is checked against the hash the server recorded when it wrote it (where the browser offers SHA-256:
  // over TLS, or on localhost)
  let checked = false;
  if (sha256 && globalThis.crypto?.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    if (hex !== sha256) throw new ApiError(0, 'checksum_mismatch', `the downloaded file's SHA-256 is ${hex}, not ${sha256}: download it again`);
    checked = true;
  }
  return { blob, name, sha256, checked };
}

/** Hands a downloaded file to the browser to save, under its name. */
export function save(file: { blob: Blob; name: string }): void {
  const url = URL.createObjectURL(file.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
