/**
 * JSON over HTTP(S) for providers: one keep-alive client per provider, closed with it. The
 * connections live in one worker thread per process (./http-worker.ts, running the transport of
 * ./http-transport.ts): at thousands of requests a second, sockets and HTTP parsing are a third of
 * the engine's work, and on the caller's thread they would queue with parsing and storing the
 * answers (bench/elicit-run.js: 8% faster on two cores). Where the compiled worker is absent (the
 * TypeScript sources run directly), or when asked, the transport runs on the caller's thread; both
 * behave alike.
 *
 * Cancellation stays with the caller: an aborted request rejects at once with the signal's reason,
 * and the worker drops its connection. A worker that dies fails the requests in flight with an
 * error the providers treat as retryable; the next request starts a new one.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { abortError, MAX_BODY_BYTES, NodeHttpTransport, type WireResponse } from './http-transport.js';

export interface HttpResponse {
  status: number;
  /** Response headers by lower-case name (a `get` like fetch's Headers). */
  headers: { get(name: string): string | null };
  /** The body, decoded as UTF-8. */
  text: string;
}

export interface HttpClientOptions {
  /** The largest response body accepted (default 64 MB). */
  maxBodyBytes?: number;
  /**
   * Where the connections live: `worker` (the process's HTTP thread; the default where the
   * compiled worker exists) or `caller` (this thread).
   */
  thread?: 'worker' | 'caller';
}

/** A message to the worker. */
export type WorkerMessage =
  | { open: number; maxBodyBytes: number }
  | { client: number; id: number; url: string; body: string; headers: Record<string, string> }
  | { cancel: number }
  | { close: number };
/** A message from the worker: the response to a request, or why there is none. */
export type WorkerReply = { id: number; response: WireResponse } | { id: number; error: { name: string; message: string; code?: string } };

function withGetter(wire: WireResponse): HttpResponse {
  const raw = wire.headers;
  return { status: wire.status, text: wire.text, headers: { get: (name) => raw[name.toLowerCase()] ?? null } };
}

const workerUrl = new URL('./http-worker.js', import.meta.url);
let workerBuilt: boolean | undefined;
function workerAvailable(): boolean {
  workerBuilt ??= workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
  return workerBuilt;
}

interface Pending {
  resolve: (r: HttpResponse) => void;
  reject: (e: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** The process's HTTP worker: started on the first request, idle without keeping the process alive. */
class WorkerChannel {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  /** Open clients and their body limits, announced again to a restarted worker. */
  private readonly clients = new Map<number, number>();
  private nextId = 0;
  private nextClient = 0;
  private outbox: WorkerMessage[] = [];

  open(maxBodyBytes: number): number {
    const client = this.nextClient++;
    this.clients.set(client, maxBodyBytes);
    if (this.worker) this.send({ open: client, maxBodyBytes });
    return client;
  }

  private start(): Worker {
    // No command-line options of this process: they are for its main script (--input-type, -e,
    // loaders), and the worker runs only the compiled transport on Node's own modules.
    const worker = new Worker(workerUrl, { execArgv: [] });
    this.worker = worker;
    worker.on('message', (batch: WorkerReply[]) => {
      for (const msg of batch) {
        const p = this.pending.get(msg.id);
        if (!p) continue; // cancelled: rejected already
        this.settle(msg.id, p);
        if ('response' in msg) p.resolve(withGetter(msg.response));
        else p.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name }, msg.error.code ? { code: msg.error.code } : {}));
      }
    });
    const fail = (why: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.outbox = [];
      for (const [id, p] of this.pending) {
        this.settle(id, p);
        p.reject(new Error(`the HTTP worker thread stopped (${why}); the request was not answered`));
      }
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    worker.unref();
    for (const [client, maxBodyBytes] of this.clients) this.send({ open: client, maxBodyBytes });
    return worker;
  }

  private settle(id: number, p: Pending): void {
    this.pending.delete(id);
    if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
    // An idle worker does not keep the process alive.
    if (this.pending.size === 0) this.worker?.unref();
  }

  /** Messages go out together at the end of the current job (one structured clone, one wake-up). */
  private send(msg: WorkerMessage): void {
    this.outbox.push(msg);
    if (this.outbox.length === 1) {
      queueMicrotask(() => {
        const batch = this.outbox;
        this.outbox = [];
        if (batch.length > 0) this.worker?.postMessage(batch);
      });
    }
  }

  post(client: number, url: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<HttpResponse> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<HttpResponse>((resolve, reject) => {
      const p: Pending = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        p.onAbort = () => {
          this.settle(id, p);
          this.send({ cancel: id });
          reject(abortError(signal));
        };
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, p);
      this.send({ client, id, url, body, headers });
    });
  }

  close(client: number): void {
    this.clients.delete(client);
    if (this.worker) this.send({ close: client });
  }
}

let channel: WorkerChannel | undefined;

/** A keep-alive HTTP client: one per provider, closed with it. */
export class HttpClient {
  /** Where this client's connections live (see HttpClientOptions.thread). */
  readonly thread: 'worker' | 'caller';
  private readonly inCaller: NodeHttpTransport | undefined;
  private readonly client: number | undefined;

  constructor(opts: HttpClientOptions = {}) {
    const maxBodyBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
    if (opts.thread === 'worker' && !workerAvailable()) {
      throw new Error(`the HTTP worker (${fileURLToPath(workerUrl)}) is not built; run \`npm run build\`, or use thread: 'caller'`);
    }
    this.thread = opts.thread ?? (workerAvailable() ? 'worker' : 'caller');
    if (this.thread === 'worker') this.client = (channel ??= new WorkerChannel()).open(maxBodyBytes);
    else this.inCaller = new NodeHttpTransport(maxBodyBytes);
  }

  /** POST `body` (JSON text) to `url`; resolves with any status (the caller maps errors). */
  postJson(url: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<HttpResponse> {
    if (this.client !== undefined) return channel!.post(this.client, url, body, headers, signal);
    return this.inCaller!.postJson(url, body, headers, signal).then(withGetter);
  }

  /** Close the keep-alive connections (when no request of this client is in flight). */
  close(): void {
    if (this.client !== undefined) channel!.close(this.client);
    this.inCaller?.close();
  }
}
