/**
 * `valuelex view`: a local web app over one run database. It binds 127.0.0.1 only, answers only
 * requests whose Host (and Origin, when sent) name that loopback address (a DNS-rebinding page
 * cannot reach it), and serves a CSP of `default-src 'self'` with its script as a separate file,
 * so no inline script runs even if an escaping slip let one into the page. Model text reaches the
 * page only through the JSON API and is inserted with textContent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { groupBy } from '../core/group-by.js';
import { exportLabelsJsonl, labelAgreement, labelProblem, LABEL_VALUES, listLabels, listPairs, saveLabel } from '../evaluation/labels.js';
import { redactSecrets } from '../core/secrets.js';
import { neutralizeBidi, terminalSafe } from '../core/terminal.js';
import { RunStore } from '../store/store.js';
import { listLexicon, termSources } from '../study/stages/elicit/lexicon.js';
import { completionsWithScores } from '../study/stages/projective/tables.js';
import { VIEWER_CSS, VIEWER_HTML, VIEWER_JS } from './page.js';

/** Projective completions with every judge score, for browsing. */
export function listCompletions(store: RunStore, limit = 5000): Array<{ id: string; model: string; item: string; stem: string; completion: string; scores: Array<{ judge: string; dimension: string; score: number | null }> }> {
  if (!store.hasTable('projective_completions')) return [];
  const { completions: rows, scores } = completionsWithScores(store, limit);
  const by = groupBy(scores, (s) => s.completion_id);
  return rows.map((r) => ({ ...r, completion: r.completion ?? '', scores: (by.get(r.id) ?? []).map(({ judge, dimension, score }) => ({ judge, dimension, score })) }));
}
export interface Viewer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** Host names a request to the viewer may carry. */
function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function isAllowedRequest(headers: IncomingMessage['headers'], port: number): boolean {
  const hosts = allowedHosts(port);
  if (!headers.host || !hosts.has(headers.host.toLowerCase())) return false;
  const origin = headers.origin;
  if (origin !== undefined && !(origin.toLowerCase().startsWith('http://') && hosts.has(origin.toLowerCase().slice('http://'.length)))) return false;
  return true;
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}
/** JSON for display in the page: bidirectional controls in run text show as U+FFFD (core/terminal.ts). */
const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void =>
  send(res, status, 'application/json; charset=utf-8', neutralizeBidi(JSON.stringify(value)), headers);

/** A request the viewer refuses, with its HTTP status and a one-line reason (never an internal message). */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The largest request body the viewer reads (a label is a few hundred bytes). */
export const MAX_BODY_BYTES = 16 * 1024;

async function readBody(req: IncomingMessage, max = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw new HttpError(413, `request body larger than ${max} bytes`);
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new HttpError(413, `request body larger than ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new HttpError(400, 'request body is not UTF-8');
  }
}

/** An integer query parameter within [min, max], or the default when absent; anything else is a 400. */
function intParam(url: URL, name: string, def: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return def;
  const v = /^-?\d{1,12}$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new HttpError(400, `${name} must be an integer from ${min} to ${max}`);
  return v;
}

const GET_PATHS = new Set(['/', '/app.css', '/app.js', '/api/run', '/api/lexicon', '/api/sources', '/api/completions', '/api/pairs', '/api/labels', '/api/labels.jsonl']);

/**
 * Serve one run database. The viewer reads it read-only (it must be a run database; nothing in it
 * changes by viewing), and opens it for writing only to store a label.
 */
export async function startViewer(opts: { db: string; port?: number }): Promise<Viewer> {
  const store = RunStore.open(opts.db, { readonly: true });
  let writer: RunStore | undefined;
  let port = opts.port ?? 0;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) return json(res, err.status, { error: err.message }, err.status === 413 ? { Connection: 'close' } : {});
      // The page gets no internal detail; the terminal running the viewer does.
      process.stderr.write(`valuelex view: ${terminalSafe(redactSecrets(err instanceof Error ? err.message : String(err))).split('\n')[0]}\n`);
      json(res, 500, { error: 'internal error (details in the terminal running valuelex view)' });
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedRequest(req.headers, port)) {
      req.resume();
      return json(res, 403, { error: 'foreign Host or Origin' });
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    } catch {
      throw new HttpError(400, 'malformed request URL');
    }
    const path = url.pathname;
    // Every body is read (within the size limit) before the answer, whatever the route: an unread
    // body would break the kept-alive connection it came on.
    const text = req.method === 'GET' || req.method === 'HEAD' ? '' : await readBody(req);
    if (req.method === 'GET' && path === '/') return send(res, 200, 'text/html; charset=utf-8', VIEWER_HTML);
    if (req.method === 'GET' && path === '/app.css') return send(res, 200, 'text/css; charset=utf-8', VIEWER_CSS);
    if (req.method === 'GET' && path === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', VIEWER_JS);
    if (req.method === 'GET' && path === '/api/run') {
      return json(res, 200, { study: store.getMeta('study') ?? 'unnamed', models: store.listModels().map((m) => ({ name: m.name, simulated: m.simulated })), values: LABEL_VALUES });
    }
    if (req.method === 'GET' && path === '/api/lexicon') {
      return json(res, 200, store.hasTable('lexicon') ? listLexicon(store).slice(0, 2000).map((e) => ({ descriptor: e.descriptor, count: e.count, models: e.n_models })) : []);
    }
    if (req.method === 'GET' && path === '/api/sources') {
      const d = url.searchParams.get('descriptor') ?? '';
      if (d.length > 200) throw new HttpError(400, 'descriptor is longer than 200 characters');
      return json(res, 200, store.hasTable('lexicon') ? termSources(store, d, { limit: intParam(url, 'limit', 200, 1, 1000) }) : []);
    }
    if (req.method === 'GET' && path === '/api/completions') return json(res, 200, listCompletions(store, intParam(url, 'limit', 5000, 1, 5000)));
    if (req.method === 'GET' && path === '/api/pairs') {
      return json(res, 200, listPairs(store, { limit: intParam(url, 'limit', 500, 1, 5000), offset: intParam(url, 'offset', 0, 0, 1_000_000_000) }));
    }
    if (req.method === 'GET' && path === '/api/labels') return json(res, 200, { labels: listLabels(store), agreement: labelAgreement(store) });
    if (req.method === 'GET' && path === '/api/labels.jsonl') return send(res, 200, 'application/x-ndjson; charset=utf-8', exportLabelsJsonl(store));
    if (req.method === 'POST' && path === '/api/labels') {
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) throw new HttpError(415, 'expected application/json');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'the body is not valid JSON');
      }
      const problem = labelProblem(store, body);
      if (problem) throw new HttpError(400, problem);
      const { pair_id, annotator, value, label } = body as { pair_id: string; annotator: string; value: string; label: -1 | 0 | 1 };
      writer ??= RunStore.open(opts.db);
      saveLabel(writer, { pair_id, annotator: annotator.trim(), value, label });
      return json(res, 200, { ok: true });
    }
    if (GET_PATHS.has(path) || path === '/api/labels') return json(res, 405, { error: `method ${String(req.method).slice(0, 10)} not allowed` }, { Allow: path === '/api/labels' ? 'GET, POST' : 'GET' });
    return json(res, 404, { error: 'not found' });
  }
  // A request Node's HTTP parser refuses (malformed framing, oversized headers) gets the same
  // one-line JSON error as any other refusal, not an empty 400.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const body = JSON.stringify({ error: status === '400 Bad Request' ? 'malformed HTTP request' : 'request headers too large' });
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          store.close();
          writer?.close();
          resolve();
        });
      }),
  };
}
