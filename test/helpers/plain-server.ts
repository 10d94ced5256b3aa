/**
 * A plain OpenAI-compatible server on loopback that does NOT declare simulation (no
 * `x-valuelex-simulated` header, a model list without `simulated`): what a vLLM or llama.cpp server
 * looks like to the engine. Its chat answers name a few value words, rotating with the request's
 * seed, so a study's stages have something to work on.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlainServer {
  url: string;
  /** Requests answered. */
  answered: () => number;
  close(): Promise<void>;
}

const WORDS = ['honesty', 'kindness', 'fairness', 'curiosity', 'patience', 'courage', 'humility', 'prudence'];

export async function startPlainServer(models: readonly string[] = ['plain-model']): Promise<PlainServer> {
  let answered = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown): void => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      const path = (req.url ?? '/').replace(/\?.*$/, '').replace(/\/+$/, '');
      if (req.method === 'GET' && path.endsWith('/models')) return send(200, { object: 'list', data: models.map((id) => ({ id, object: 'model', owned_by: 'someone' })) });
      if (req.method !== 'POST' || !path.endsWith('/chat/completions')) return send(404, { error: { message: `no route ${path}` } });
      let body: { model?: string; seed?: number; messages?: Array<{ content?: string }> };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        return send(400, { error: { message: 'not JSON' } });
      }
      if (!models.includes(String(body.model))) return send(404, { error: { message: `model ${String(body.model)} not found` } });
      const seed = Math.abs(body.seed ?? 0);
      const words = Array.from({ length: 4 }, (_, i) => WORDS[(seed + i * 3) % WORDS.length]!);
      const content = words.map((w, i) => `${i + 1}. ${w.charAt(0).toUpperCase()}${w.slice(1)}`).join('\n');
      answered++;
      send(200, {
        id: `chatcmpl-${answered}`,
        object: 'chat.completion',
        created: 1_700_000_000,
        model: String(body.model),
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 12, total_tokens: 22 },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    answered: () => answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
