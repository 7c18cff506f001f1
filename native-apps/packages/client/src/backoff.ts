/**
 * Reconnection delays: exponential with full jitter (a random delay between `minMs` and the exponential bound),
 * so that thousands of clients cut off together do not come back together.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, minMs = 250, baseMs = 500, maxMs = 30_000): number {
  const bound = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(minMs + random() * Math.max(0, bound - minMs));
}
