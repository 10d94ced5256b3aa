/**
 * JSON POSTs over HTTP(S) on Node's own `http`/`https`, with keep-alive agents: the transport under
 * the providers' HttpClient (./http.ts), run in the HTTP worker thread (./http-worker.ts) or, where
 * there is none, in the caller's. Why not `fetch`: at thousands of requests a second, Node's fetch
 * (undici behind WHATWG streams, Headers and Response objects) costs three to four times the CPU
 * of `http.request` per call (bench/elicit-run.js). The engine owns timeouts, retries and
 * cancellation (the `signal`); this module only moves bytes and reports what came back. Redirects
 * 307/308 (method and body kept) are followed; compressed bodies (gzip, deflate, br) are decoded,
 * though none are asked for.
 */
import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** What came back, as plain data (it crosses from the worker thread by structured clone). */
export interface WireResponse {
  status: number;
  /** Response headers by lower-case name; a repeated one's values joined with ", ". */
  headers: Record<string, string>;
  /** The body, decoded as UTF-8. */
  text: string;
}

/** Bodies beyond this are refused: no model answer is that large, a broken server can be. */
export const MAX_BODY_BYTES = 64 * 2 ** 20;
const MAX_REDIRECTS = 5;

/** The error a cancelled request rejects with (named like fetch's, which callers recognise). */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return body;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      throw new Error(`unsupported content-encoding "${encoding}"`);
  }
}

function plainHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(raw)) if (v !== undefined) out[name] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** A request URL with its `http.request` options, computed once. */
interface Target {
  url: URL;
  options: http.RequestOptions;
}

function targetOf(url: URL): Target {
  return { url, options: urlToHttpOptions(url) };
}

/** Keep-alive connections and the requests on them, in the thread that made it. */
export class NodeHttpTransport {
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });

  constructor(private readonly maxBodyBytes = MAX_BODY_BYTES) {}

  /** Parsed request URLs: a provider posts to the same one or two endpoints thousands of times. */
  private readonly urls = new Map<string, Target>();

  /** POST `body` (JSON text) to `url`; resolves with any status (the caller maps errors). */
  postJson(url: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<WireResponse> {
    let target = this.urls.get(url);
    if (!target) {
      target = targetOf(new URL(url));
      if (this.urls.size < 64) this.urls.set(url, target);
    }
    return this.send(target, body, headers, signal, 0);
  }

  private send(target: Target, body: string, headers: Record<string, string>, signal: AbortSignal | undefined, redirects: number): Promise<WireResponse> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const { url, options } = target;
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return Promise.reject(new Error(`unsupported URL protocol ${url.protocol} in ${url.origin}`));
    const payload = Buffer.from(body, 'utf8');
    return new Promise<WireResponse>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const request = (secure ? https : http).request(
        {
          ...options,
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { 'content-type': 'application/json', accept: 'application/json', ...headers, 'content-length': String(payload.length) },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const location = res.headers.location;
          if ((status === 307 || status === 308) && location && redirects < MAX_REDIRECTS) {
            res.resume();
            finish(() => resolve(this.send(targetOf(new URL(location, url)), body, headers, signal, redirects + 1)));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.maxBodyBytes) {
              res.destroy();
              finish(() => reject(new Error(`response body larger than ${this.maxBodyBytes} bytes`)));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () =>
            finish(() => {
              try {
                const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
                resolve({ status, headers: plainHeaders(res.headers), text: decode(raw, res.headers['content-encoding']).toString('utf8') });
              } catch (e) {
                reject(e as Error);
              }
            }),
          );
          // A connection dropped mid-body: 'aborted' on the request, 'error' or an early 'close' here.
          res.on('error', (e) => finish(() => reject(e)));
          res.on('close', () => {
            if (!res.complete) finish(() => reject(new Error('connection closed before the response body was complete')));
          });
        },
      );
      const onAbort = (): void => {
        const err = abortError(signal!);
        request.destroy(err);
        finish(() => reject(err));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (e) => finish(() => reject(e)));
      request.end(payload);
    });
  }

  /** Close the keep-alive connections (when no request of this client is in flight). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
