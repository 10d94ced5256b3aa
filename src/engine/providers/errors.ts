/**
 * Mapping of transport and HTTP failures to `ProviderError`, shared by every provider so that the
 * scheduler sees one vocabulary: retryable (429, 408, 409, 5xx, timeouts, dropped connections,
 * malformed bodies) or not (400, 401, 403, 404, 422).
 */
import { parseRetryAfter } from '../backoff.js';
import { ProviderError } from '../types.js';
import { redactSecrets } from '../../core/secrets.js';

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const rec = headers as Record<string, string | undefined>;
  return rec[name] ?? rec[name.toLowerCase()];
}

export function httpError(provider: string, status: number, body: string, headers?: unknown): ProviderError {
  const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'));
  const snippet = redactSecrets(body.replace(/\s+/g, ' ').slice(0, 200));
  const hint =
    status === 401 || status === 403
      ? ' (check the API key environment variable named by api_key_env)'
      : status === 404
        ? ' (check model name and base_url)'
        : '';
  return new ProviderError(`${provider}: HTTP ${status}${hint}${snippet ? `: ${snippet}` : ''}`, {
    status,
    retryable: isRetryableStatus(status),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  });
}

/** Wrap an unknown thrown value (from fetch or an SDK) into a ProviderError. */
export function toProviderError(provider: string, e: unknown): ProviderError {
  if (e instanceof ProviderError) return e;
  const err = e as { status?: unknown; headers?: unknown; message?: unknown; name?: unknown; error?: unknown; cause?: unknown };
  const status = typeof err?.status === 'number' ? err.status : undefined;
  if (status !== undefined) {
    const body = err.error !== undefined ? JSON.stringify(err.error) : String(err.message ?? '');
    return httpError(provider, status, body, err.headers);
  }
  const name = typeof err?.name === 'string' ? err.name : '';
  const message = typeof err?.message === 'string' ? err.message : String(e);
  if (name === 'AbortError' || name === 'APIUserAbortError') {
    return new ProviderError(`${provider}: request aborted`, { retryable: false, cause: e });
  }
  if (name === 'TimeoutError' || name === 'APIConnectionTimeoutError' || /timed? ?out/i.test(message)) {
    return new ProviderError(`${provider}: request timed out`, { retryable: true, cause: e });
  }
  // Connection resets, truncated or malformed bodies: transient from our side; try again.
  return new ProviderError(`${provider}: ${redactSecrets(message)}`, { retryable: true, cause: e });
}
