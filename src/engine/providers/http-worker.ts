/**
 * The HTTP worker thread (./http.ts): it holds every HttpClient's keep-alive connections and runs
 * their requests, so that sockets, HTTP parsing and body decoding use another core than the one
 * parsing and storing the answers. Messages come and go in batches (one per event-loop turn):
 * in, `{ open: client, maxBodyBytes }`, a request `{ client, id, url, body, headers }`,
 * `{ cancel: id }` and `{ close: client }`; out, `{ id, response }` or `{ id, error }`, errors as
 * name, message and code (what providers classify them by).
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerMessage, WorkerReply } from './http.js';
import { NodeHttpTransport } from './http-transport.js';

const port = parentPort;
if (!port) throw new Error('http-worker.js runs as the worker thread of the HTTP client');

const clients = new Map<number, NodeHttpTransport>();
const inFlight = new Map<number, AbortController>();
let replies: WorkerReply[] = [];

function reply(r: WorkerReply): void {
  replies.push(r);
  if (replies.length === 1) {
    setImmediate(() => {
      const batch = replies;
      replies = [];
      port!.postMessage(batch);
    });
  }
}

function errorOf(e: unknown): { name: string; message: string; code?: string } {
  const err = e as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof err?.name === 'string' ? err.name : 'Error',
    message: typeof err?.message === 'string' ? err.message : String(e),
    ...(typeof err?.code === 'string' ? { code: err.code } : {}),
  };
}

function handle(msg: WorkerMessage): void {
  if ('open' in msg) {
    if (!clients.has(msg.open)) clients.set(msg.open, new NodeHttpTransport(msg.maxBodyBytes));
  } else if ('close' in msg) {
    clients.get(msg.close)?.close();
    clients.delete(msg.close);
  } else if ('cancel' in msg) {
    inFlight.get(msg.cancel)?.abort();
  } else {
    const transport = clients.get(msg.client);
    if (!transport) {
      reply({ id: msg.id, error: { name: 'Error', message: 'the HTTP client was closed' } });
      return;
    }
    const controller = new AbortController();
    inFlight.set(msg.id, controller);
    transport.postJson(msg.url, msg.body, msg.headers, controller.signal).then(
      (response) => {
        inFlight.delete(msg.id);
        reply({ id: msg.id, response });
      },
      (e: unknown) => {
        inFlight.delete(msg.id);
        reply({ id: msg.id, error: errorOf(e) });
      },
    );
  }
}

port.on('message', (batch: WorkerMessage[]) => {
  for (const msg of batch) handle(msg);
});
