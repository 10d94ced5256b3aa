/**
 * A per-attempt abort signal that fires on the parent's abort or after `ms`, and is fully released
 * when the attempt ends. (AbortSignal.timeout keeps a timer alive for its whole duration and
 * AbortSignal.any keeps every combined signal reachable from a long-lived parent: at thousands of
 * requests a second both grow memory without bound.)
 */
export class TimeoutAbortError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

export async function withDeadline<T>(parent: AbortSignal | undefined, ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort(parent?.reason);
  parent?.addEventListener('abort', onAbort, { once: true });
  if (parent?.aborted) controller.abort(parent.reason);
  // Node fires a timer longer than 2^31-1 ms after 1 ms: bound it (the config bounds it far lower).
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new TimeoutAbortError(ms));
  }, Math.max(1, Math.min(ms, 2 ** 31 - 1)));
  try {
    return await fn(controller.signal);
  } catch (e) {
    if (timedOut) throw new TimeoutAbortError(ms);
    throw e;
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onAbort);
  }
}
