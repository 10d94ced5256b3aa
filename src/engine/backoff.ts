/**
 * Retry timing: exponential backoff with full jitter, and the server's Retry-After when it sends one
 * (a server that says "wait 3 s" is obeyed, with a little jitter so that many workers do not return
 * in the same millisecond).
 */
export interface BackoffPolicy {
  /** First delay in ms (before jitter). */
  baseMs: number;
  /** Ceiling for any single delay in ms. */
  maxMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Total time one request may spend waiting between its attempts before it fails. */
  maxWaitMs: number;
}

/** Node's timers hold at most 2^31-1 ms; a longer delay would fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A millisecond setting from the environment, or the default when unset or not a non-negative number. */
function envMs(name: string, fallback: number): number {
  const raw = process.env[name];
  const v = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(v) && v >= 0 ? Math.min(v, MAX_TIMER_MS) : fallback;
}

export const defaultBackoff: BackoffPolicy = {
  baseMs: envMs('VALUELEX_RETRY_BASE_MS', 500),
  maxMs: envMs('VALUELEX_RETRY_MAX_MS', 60_000),
  maxRetries: 6,
  maxWaitMs: envMs('VALUELEX_RETRY_BUDGET_MS', 600_000),
};

export function backoffDelay(policy: BackoffPolicy, retry: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) {
    return Math.min(policy.maxMs, retryAfterMs + random() * Math.min(250, policy.baseMs));
  }
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return random() * ceiling;
}

/** Parse an HTTP Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, Math.min(ms, MAX_TIMER_MS)));
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
