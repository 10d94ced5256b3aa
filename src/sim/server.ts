/**
 * A real HTTP server on loopback that speaks the OpenAI (chat completions, completions,
 * embeddings, models), Anthropic (Messages) and Ollama (chat, generate, embed, tags) protocols,
 * answering from the simulated population. With a fault plan it misbehaves as real servers do:
 * latency, 429 with Retry-After, 500s, malformed or truncated bodies, dropped connections, hangs,
 * refusals and empty answers. Tests and benchmarks point real provider clients at it.
 *
 * It declares itself: every response it sends (answers, model lists, errors, faults) carries the
 * header `x-valuelex-simulated: true`, and its model lists mark each model simulated. The engine
 * records that evidence per model, whatever the study's `provider:` says, so a study pointed at
 * this server is labelled SIMULATED like one using `provider: simulated`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatMessage, GenerationParams, ProviderRequest } from '../engine/types.js';
import { ProviderError, SIMULATED_HEADER } from '../engine/types.js';
import { canonicalJson } from '../core/hash.js';
import { defaultPopulation, drawPopulation, type SimPopulation } from './population.js';
import { simulate } from './simulate.js';

export type FaultKind = '429' | '500' | '503' | 'malformed' | 'truncated' | 'drop' | 'hang' | 'empty' | 'refusal';

export interface FaultPlan {
  /** Added latency per request in ms: a fixed value or a [min, max] range. */
  latencyMs?: number | [number, number];
  /** Probability per delivery of each transient fault (decided by request content and delivery count). */
  rates?: Partial<Record<Exclude<FaultKind, 'empty' | 'refusal'>, number>>;
  /** Probability per request content of a stable bad answer (same every time: a model's real behaviour). */
  contentRates?: Partial<Record<'empty' | 'refusal', number>>;
  /** Faults for the first deliveries, in order, before rates apply (deterministic scripts). */
  script?: FaultKind[];
  retryAfterSeconds?: number;
  seed?: number;
  /** Require this bearer token / x-api-key (tests of key handling). */
  requireKey?: string;
}

/** One successfully answered generation request, as the server saw it (kept when `log` is on). */
export interface AnsweredRequest {
  route: string;
  model: string;
  messages?: ChatMessage[] | undefined;
  prompt?: string | undefined;
  seed?: number | undefined;
  at: number;
}

export interface SimServerStats {
  /** Requests received per route. */
  received: number;
  /** Successful answers, and how many times each distinct request content was answered successfully. */
  answered: number;
  answeredByContent: Map<string, number>;
  faults: Partial<Record<FaultKind, number>>;
  /** Authorization / x-api-key header values seen (to check keys are sent, and only where meant). */
  keysSeen: Set<string>;
  /** Every answered generation request, in order (only with `log: true`). */
  log: AnsweredRequest[];
}

export interface SimServer {
  url: string;
  port: number;
  /** The population served as `sim/<name>` (any other seed's as `sim/<seed>/<name>`). */
  population: SimPopulation;
  stats: SimServerStats;
  close(): Promise<void>;
}

export interface SimServerOptions {
  faults?: FaultPlan;
  /** Keep a log of answered requests in stats.log (tests). */
  log?: boolean;
  /** The population to serve (default: `drawPopulation(seed)`, or the default population). */
  population?: SimPopulation;
  /** Seed of the population to serve when no `population` is given. */
  seed?: number;
  port?: number;
}

function hashFraction(...parts: (string | number)[]): number {
  const h = createHash('sha256').update(parts.join('|')).digest();
  return h.readUInt32LE(0) / 0x100000000;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), [SIMULATED_HEADER]: 'true', ...headers });
  res.end(text);
}

interface Parsed {
  route: 'openai-chat' | 'openai-completion' | 'openai-embed' | 'anthropic' | 'ollama-chat' | 'ollama-generate' | 'ollama-embed';
  request?: ProviderRequest;
  embedInput?: string[];
  model: string;
}

function toParams(b: Record<string, unknown>, o: Record<string, unknown> = {}): GenerationParams {
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const p: GenerationParams = {};
  const t = num(b.temperature ?? o.temperature);
  if (t !== undefined) p.temperature = t;
  const tp = num(b.top_p ?? o.top_p);
  if (tp !== undefined) p.top_p = tp;
  const mt = num(b.max_tokens ?? b.max_completion_tokens ?? o.num_predict);
  if (mt !== undefined) p.max_tokens = mt;
  const seed = num(b.seed ?? o.seed);
  if (seed !== undefined) p.seed = seed;
  const stop = b.stop ?? b.stop_sequences ?? o.stop;
  if (Array.isArray(stop)) p.stop = stop.map(String);
  const rf = b.response_format as { json_schema?: { schema?: Record<string, unknown> } } | undefined;
  if (rf?.json_schema?.schema) p.json_schema = rf.json_schema.schema;
  if (b.format && typeof b.format === 'object') p.json_schema = b.format as Record<string, unknown>;
  return p;
}

function parseRequest(path: string, body: Record<string, unknown>): Parsed | undefined {
  const model = String(body.model ?? '');
  const messages = (Array.isArray(body.messages) ? body.messages : []) as ChatMessage[];
  const opts = (body.options ?? {}) as Record<string, unknown>;
  if (path.endsWith('/chat/completions')) {
    return { route: 'openai-chat', model, request: { model, kind: 'chat', messages, params: toParams(body) } };
  }
  if (path.endsWith('/completions')) {
    return { route: 'openai-completion', model, request: { model, kind: 'completion', prompt: String(body.prompt ?? ''), params: toParams(body) } };
  }
  if (path.endsWith('/embeddings')) {
    const input = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
    return { route: 'openai-embed', model, embedInput: input };
  }
  if (path.endsWith('/messages')) {
    const system = typeof body.system === 'string' ? [{ role: 'system' as const, content: body.system }] : [];
    const msgs = messages.map((m) => ({
      role: m.role,
      content: typeof m.content === 'string' ? m.content : (m.content as Array<{ text?: string }>).map((c) => c.text ?? '').join(''),
    }));
    return { route: 'anthropic', model, request: { model, kind: 'chat', messages: [...system, ...msgs], params: toParams(body) } };
  }
  if (path === '/api/chat') return { route: 'ollama-chat', model, request: { model, kind: 'chat', messages, params: toParams(body, opts) } };
  if (path === '/api/generate') {
    return { route: 'ollama-generate', model, request: { model, kind: 'completion', prompt: String(body.prompt ?? ''), params: toParams(body, opts) } };
  }
  if (path === '/api/embed') {
    const input = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
    return { route: 'ollama-embed', model, embedInput: input };
  }
  return undefined;
}

/** A deterministic pseudo-embedding (hash features), so embedding clients can be tested end to end. */
export function simEmbedding(text: string, dim = 32): number[] {
  const v = new Array<number>(dim).fill(0);
  for (const tok of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    const h = createHash('md5').update(tok).digest();
    for (let i = 0; i < dim; i++) v[i]! += (h[i % 16]! / 255 - 0.5) * (i % 2 ? 1 : -1);
  }
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

function formatAnswer(p: Parsed, text: string, usage: { input_tokens: number; output_tokens: number }, modelVersion: string, finish: string): unknown {
  const created = 1_700_000_000;
  switch (p.route) {
    case 'openai-chat':
      return {
        id: `chatcmpl-${created}`,
        object: 'chat.completion',
        created,
        model: modelVersion,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finish }],
        usage: { prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens, total_tokens: usage.input_tokens + usage.output_tokens },
      };
    case 'openai-completion':
      return {
        id: `cmpl-${created}`,
        object: 'text_completion',
        created,
        model: modelVersion,
        choices: [{ index: 0, text, finish_reason: finish }],
        usage: { prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens, total_tokens: usage.input_tokens + usage.output_tokens },
      };
    case 'anthropic':
      return {
        id: 'msg_sim',
        type: 'message',
        role: 'assistant',
        model: modelVersion,
        content: [{ type: 'text', text }],
        stop_reason: finish === 'stop' ? 'end_turn' : finish,
        stop_sequence: null,
        usage: { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens },
      };
    case 'ollama-chat':
      return { model: modelVersion, created_at: new Date(created * 1000).toISOString(), message: { role: 'assistant', content: text }, done: true, done_reason: finish, prompt_eval_count: usage.input_tokens, eval_count: usage.output_tokens };
    case 'ollama-generate':
      return { model: modelVersion, created_at: new Date(created * 1000).toISOString(), response: text, done: true, done_reason: finish, prompt_eval_count: usage.input_tokens, eval_count: usage.output_tokens };
    default:
      return {};
  }
}

export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const faults = options.faults ?? {};
  const population = options.population ?? (options.seed === undefined ? defaultPopulation() : drawPopulation(options.seed));
  const stats: SimServerStats = { received: 0, answered: 0, answeredByContent: new Map(), faults: {}, keysSeen: new Set(), log: [] };
  const deliveries = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  let scriptIndex = 0;

  const pickFault = (contentKey: string): FaultKind | undefined => {
    if (faults.script && scriptIndex < faults.script.length) return faults.script[scriptIndex++];
    const n = (deliveries.get(contentKey) ?? 0) + 1;
    deliveries.set(contentKey, n);
    for (const [kind, rate] of Object.entries(faults.rates ?? {}) as Array<[FaultKind, number]>) {
      if (rate > 0 && hashFraction(faults.seed ?? 0, contentKey, n, kind) < rate) return kind;
    }
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.received++;
    const auth = req.headers.authorization ?? (req.headers['x-api-key'] as string | undefined);
    if (auth) stats.keysSeen.add(String(auth));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '');
    if (req.method === 'GET' && (path.endsWith('/models') || path === '/api/tags')) {
      // Each listed model says it is simulated (and which seed's population it comes from).
      const details = (m: SimPopulation['models'][number]) => ({ simulated: true, seed: population.seed, family: m.family, size: m.size, training: m.training });
      return sendJson(res, 200, path === '/api/tags'
        ? { simulated: true, models: population.models.map((m) => ({ name: `sim/${m.name}`, model: `sim/${m.name}`, details: { family: m.family, parameter_size: m.size }, ...details(m) })) }
        : { object: 'list', simulated: true, data: population.models.map((m) => ({ id: `sim/${m.name}`, object: 'model', created: 0, owned_by: 'valuelex-simulated', ...details(m) })) });
    }
    if (req.method !== 'POST') return sendJson(res, 405, { error: { message: 'method not allowed' } });
    if (faults.requireKey) {
      const ok = auth === `Bearer ${faults.requireKey}` || auth === faults.requireKey;
      if (!ok) return sendJson(res, 401, { error: { message: 'invalid api key', type: 'authentication_error' } });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { error: { message: 'request body is not JSON' } });
    }
    const parsed = parseRequest(path, body);
    if (!parsed) return sendJson(res, 404, { error: { message: `no route ${path}` } });
    const contentKey = createHash('sha256').update(`${parsed.route}|${canonicalJson(parsed.request ?? parsed.embedInput)}|${parsed.model}`).digest('hex');

    const lat = faults.latencyMs;
    if (lat !== undefined) {
      const ms = Array.isArray(lat) ? lat[0] + hashFraction(contentKey, 'lat') * (lat[1] - lat[0]) : lat;
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    }
    const fault = pickFault(contentKey);
    if (fault) stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
    switch (fault) {
      case '429':
        return sendJson(res, 429, { error: { message: 'rate limit exceeded', type: 'rate_limit_error' } }, { 'retry-after': String(faults.retryAfterSeconds ?? 1) });
      case '500':
        return sendJson(res, 500, { error: { message: 'internal server error' } });
      case '503':
        return sendJson(res, 503, { error: { message: 'overloaded' } });
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json', [SIMULATED_HEADER]: 'true' });
        return void res.end('{"id": "x", "choices": [ {"message": ');
      case 'truncated': {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400', [SIMULATED_HEADER]: 'true' });
        res.write('{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,');
        return void res.socket?.destroy();
      }
      case 'drop':
        return void req.socket.destroy();
      case 'hang':
        return; // never answer: the client's timeout must fire
      default:
        break;
    }

    if (parsed.embedInput) {
      const vectors = parsed.embedInput.map((t) => simEmbedding(t));
      stats.answered++;
      if (parsed.route === 'openai-embed') {
        return sendJson(res, 200, { object: 'list', model: parsed.model, data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })), usage: { prompt_tokens: 1, total_tokens: 1 } });
      }
      return sendJson(res, 200, { model: parsed.model, embeddings: vectors });
    }
    let answer;
    try {
      answer = simulate(parsed.request!, population);
    } catch (e) {
      const status = e instanceof ProviderError && e.status ? e.status : 500;
      return sendJson(res, status, { error: { message: (e as Error).message, type: 'invalid_request_error' } });
    }
    let text = answer.text;
    const content = faults.contentRates ?? {};
    if (content.refusal && hashFraction(faults.seed ?? 0, contentKey, 'refusal') < content.refusal) {
      text = "I'm sorry, but I can't help with that.";
    } else if (content.empty && hashFraction(faults.seed ?? 0, contentKey, 'empty') < content.empty) {
      text = '';
    }
    stats.answered++;
    stats.answeredByContent.set(contentKey, (stats.answeredByContent.get(contentKey) ?? 0) + 1);
    if (options.log) {
      const r = parsed.request!;
      stats.log.push({ route: parsed.route, model: parsed.model, messages: r.messages, prompt: r.prompt, seed: r.params.seed, at: Date.now() });
    }
    return sendJson(res, 200, formatAnswer(parsed, text, answer.usage, answer.model_version ?? parsed.model, answer.finish_reason ?? 'stop'));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String((e as Error).message) } });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    population,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
