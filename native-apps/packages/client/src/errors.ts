/** A problem the server reported (application/problem+json), or a failure to reach it. */
export class ChatError extends Error {
  /** The server's stable code (`token_expired`, `forbidden`, ...), or `network_error`, `timeout`, `malformed_response`. */
  readonly code: string;
  /** The HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  /** The input the server blamed, for validation errors (`message.text`). */
  readonly field: string | undefined;

  constructor(code: string, status: number, detail: string, field?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'ChatError';
    this.code = code;
    this.status = status;
    this.field = field;
  }

  /** Whether trying again later may succeed: the network, a timeout, rate limits, an unavailable server. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 502 || this.status === 503 || this.status === 504;
  }

  static network(cause: unknown): ChatError {
    const e = new ChatError('network_error', 0, cause instanceof Error ? cause.message : String(cause));
    return e;
  }
}

export function isChatError(e: unknown): e is ChatError {
  return e instanceof ChatError;
}
