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
import { exportLabelsJsonl, labelAgreement, LABEL_VALUES, listLabels, listPairs, saveLabel } from '../evaluation/labels.js';
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

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}
const json = (res: ServerResponse, status: number, value: unknown): void => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

async function readBody(req: IncomingMessage, max = 64 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startViewer(opts: { db: string; port?: number }): Promise<Viewer> {
  const store = RunStore.open(opts.db);
  let port = opts.port ?? 0;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => json(res, 500, { error: err instanceof Error ? err.message : String(err) }));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedRequest(req.headers, port)) return json(res, 403, { error: 'foreign Host or Origin' });
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const path = url.pathname;
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
      return json(res, 200, store.hasTable('lexicon') ? termSources(store, d, { limit: 200 }) : []);
    }
    if (req.method === 'GET' && path === '/api/completions') return json(res, 200, listCompletions(store, Number(url.searchParams.get('limit') ?? 5000)));
    if (req.method === 'GET' && path === '/api/pairs') {
      return json(res, 200, listPairs(store, { limit: Number(url.searchParams.get('limit') ?? 500), offset: Number(url.searchParams.get('offset') ?? 0) }));
    }
    if (req.method === 'GET' && path === '/api/labels') return json(res, 200, { labels: listLabels(store), agreement: labelAgreement(store) });
    if (req.method === 'GET' && path === '/api/labels.jsonl') return send(res, 200, 'application/x-ndjson; charset=utf-8', exportLabelsJsonl(store));
    if (req.method === 'POST' && path === '/api/labels') {
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return json(res, 415, { error: 'expected application/json' });
      const body = JSON.parse(await readBody(req)) as { pair_id?: unknown; annotator?: unknown; value?: unknown; label?: unknown };
      const { pair_id, annotator, value, label } = body;
      if (typeof pair_id !== 'string' || typeof annotator !== 'string' || annotator.trim() === '' || annotator.length > 100) return json(res, 400, { error: 'pair_id and annotator are required' });
      if (typeof value !== 'string' || !(LABEL_VALUES as readonly string[]).includes(value)) return json(res, 400, { error: `value must be one of ${LABEL_VALUES.join(', ')}` });
      if (label !== -1 && label !== 0 && label !== 1) return json(res, 400, { error: 'label must be -1, 0 or 1' });
      saveLabel(store, { pair_id, annotator: annotator.trim(), value, label });
      return json(res, 200, { ok: true });
    }
    return json(res, 404, { error: 'not found' });
  }
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
          resolve();
        });
      }),
  };
}
