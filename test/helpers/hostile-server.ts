/**
 * A hostile OpenAI-compatible server for tests: a real HTTP server speaking the chat and
 * completion protocol, whose behaviour is chosen per request by the model id, so one server plays
 * every villain at once:
 *
 *   ok                       an ordinary answer (a list of value words)
 *   echo-key                 echoes the API key back in a 200 answer: as is, base64, inside HTTP
 *                            Basic auth, percent-encoded, and any base_url password it was given
 *   retry-after:<s>[:<n>]    429 with `Retry-After: <s>` for the first n requests of this model
 *                            (default: forever), then answers
 *   drip:<ms>                sends headers, then the body one byte every <ms> ms
 *   invalid-utf8             a 200 whose answer holds bytes that are not UTF-8
 *   huge:<MB>                an answer of <MB> megabytes
 *   escapes                  an answer full of terminal escapes (OSC 52 clipboard, title, clear
 *                            screen), BEL, bidi overrides, a URL, code and assistant boilerplate
 *
 * `stats` records what arrived (per model: count and arrival times; the Authorization headers).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostileStats {
  requests: number;
  byModel: Map<string, number[]>;
  authorizations: Set<string>;
}

export interface HostileServer {
  url: string;
  stats: HostileStats;
  close(): Promise<void>;
}

/** The hostile answer of `escapes`: each line is one thing a terminal, a report or the parser must survive. */
export const ESCAPES_ANSWER = [
  '1. Honesty',
  '2. \u001b]0;pwned title\u0007Kindness',
  '3. \u001b]52;c;cm0gLXJmIH4=\u0007Fairness',
  '4. \u001b[2J\u001b[HCuriosity',
  '5. javascript:alert(1)',
  '6. As an AI assistant',
  '7. <script>alert(1)</script>',
  '8. \u202eytefas\u202c',
  '9. \u009b31mResponsibility',
].join('\n');

function answer(model: string, text: string): string {
  return JSON.stringify({
    id: 'cmpl-hostile',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
  });
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export async function startHostileServer(opts: { echoSecrets?: readonly string[] } = {}): Promise<HostileServer> {
  const stats: HostileStats = { requests: 0, byModel: new Map(), authorizations: new Set() };
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const q = await body(req);
    const model = String(q.model ?? 'ok');
    stats.requests++;
    const times = stats.byModel.get(model) ?? [];
    times.push(Date.now());
    stats.byModel.set(model, times);
    const auth = String(req.headers.authorization ?? '');
    if (auth) stats.authorizations.add(auth);
    const key = auth.replace(/^Bearer\s+/i, '');
    const [kind, a, b] = model.split(':');
    const ok = (text: string): void => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(answer(model, text));
    };
    switch (kind) {
      case 'echo-key': {
        const b64 = Buffer.from(key).toString('base64');
        const basic = Buffer.from(`user:${key}`).toString('base64');
        const extra = (opts.echoSecrets ?? []).map((s) => `${s} ${Buffer.from(s).toString('base64')}`).join(' ');
        return ok(`1. Honesty ${key}\n2. Kindness ${b64}\n3. Fairness Basic ${basic}\n4. Care ${encodeURIComponent(key)}\n5. Loyalty ${extra}`);
      }
      case 'retry-after': {
        const limit = b === undefined ? Infinity : Number(b);
        if (times.length <= limit) {
          res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': a ?? '1' });
          res.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit' } }));
          return;
        }
        return ok('1. Patience\n2. Honesty');
      }
      case 'drip': {
        const text = answer(model, '1. Honesty\n2. Kindness');
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        let i = 0;
        const t = setInterval(() => {
          if (i >= text.length || res.destroyed) {
            clearInterval(t);
            timers.delete(t);
            res.end();
            return;
          }
          res.write(text[i++]!);
        }, Number(a ?? 200));
        timers.add(t);
        return;
      }
      case 'invalid-utf8': {
        const head = Buffer.from(answer(model, '1. Honesty\n2. KINDNESS-MARK').replace('KINDNESS-MARK', 'Kind'));
        const at = head.indexOf('Kind') + 4;
        const bytes = Buffer.concat([head.subarray(0, at), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('ness'), head.subarray(at)]);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
        res.end(bytes);
        return;
      }
      case 'huge':
        return ok('honesty '.repeat(Math.ceil((Number(a ?? 10) * 1024 * 1024) / 8)));
      case 'escapes':
        return ok(ESCAPES_ANSWER);
      default:
        return ok('1. Honesty\n2. Kindness\n3. Fairness');
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
