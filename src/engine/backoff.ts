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
}

export const defaultBackoff: BackoffPolicy = {
  baseMs: Number(process.env.VALUELEX_RETRY_BASE_MS ?? 500),
  maxMs: Number(process.env.VALUELEX_RETRY_MAX_MS ?? 60_000),
  maxRetries: 6,
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
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
