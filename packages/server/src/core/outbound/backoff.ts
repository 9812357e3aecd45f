/** @module core/outbound/backoff — exponential backoff with ±20 % jitter, never sooner than the provider asked. */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp * (0.8 + random() * 0.4);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
