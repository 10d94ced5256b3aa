/**
 * The providers' HTTP client against a real local server: JSON in and out on kept-alive
 * connections, redirects, compressed bodies, and every way a response can fail (dropped mid-body,
 * cancelled, too large) as a rejection the engine can classify, never a hang or a partial answer.
 * Every test runs twice: with the connections on the caller's thread (the TypeScript sources have
 * no compiled worker) and in the HTTP worker thread (the built library, as the CLI runs it).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { HttpClient as SourceHttpClient, type HttpClientOptions } from '../../src/engine/providers/http.js';
import { toProviderError } from '../../src/engine/providers/errors.js';

const built = (await import(new URL('../../dist/engine/providers/http.js', import.meta.url).href)) as typeof import('../../src/engine/providers/http.js');

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler = () => {};
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe.each([
  ['on the caller\'s thread', 'caller', (o?: HttpClientOptions) => new SourceHttpClient(o)],
  ['in the HTTP worker thread', 'worker', (o?: HttpClientOptions) => new built.HttpClient(o)],
] as const)('HttpClient %s', (_where, thread, make) => {
  const newClient = (o?: HttpClientOptions): SourceHttpClient => {
    const client = make(o);
    expect(client.thread).toBe(thread);
    return client;
  };

  it('posts JSON with the given headers and reads the answer, reusing one connection', async () => {
    const seen: Array<{ auth: string | undefined; type: string | undefined; body: unknown }> = [];
    handler = (req, body, res) => {
      seen.push({ auth: req.headers.authorization, type: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'application/json', 'x-extra': 'yes' });
      res.end(JSON.stringify({ echo: JSON.parse(body).n, text: 'naïve ✓' }));
    };
    const client = newClient();
    const before = connections;
    for (let n = 0; n < 20; n++) {
      const r = await client.postJson(`${base}/v1/chat/completions`, JSON.stringify({ n }), { authorization: 'Bearer k' });
      expect(r.status).toBe(200);
      expect(r.headers.get('X-Extra')).toBe('yes');
      expect(r.headers.get('missing')).toBeNull();
      expect(JSON.parse(r.text)).toEqual({ echo: n, text: 'naïve ✓' });
    }
    expect(connections - before).toBe(1);
    expect(seen[0]).toEqual({ auth: 'Bearer k', type: 'application/json', body: { n: 0 } });
    client.close();
  });

  it('returns error statuses with their body and headers for the caller to classify', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
      res.end('{"error":{"message":"slow down"}}');
    };
    const client = newClient();
    const r = await client.postJson(`${base}/x`, '{}', {});
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.text).toContain('slow down');
    client.close();
  });

  it('follows a 307 redirect with the same method and body', async () => {
    handler = (req, body, res) => {
      if (req.url === '/old') {
        res.writeHead(307, { location: '/new' });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body }));
      }
    };
    const client = newClient();
    const r = await client.postJson(`${base}/old`, '{"a":1}', {});
    expect(JSON.parse(r.text)).toEqual({ method: 'POST', url: '/new', body: '{"a":1}' });
    client.close();
  });

  it('decodes a gzip-encoded body', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ ok: 'über' })));
    };
    const client = newClient();
    expect(JSON.parse((await client.postJson(`${base}/x`, '{}', {})).text)).toEqual({ ok: 'über' });
    client.close();
  });

  it('rejects, as a retryable provider error, a body cut off by a dropped connection', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"choices": [');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const client = newClient();
    const err = await client.postJson(`${base}/x`, '{}', {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(toProviderError('openai', err).retryable).toBe(true);
    client.close();
  });

  it('rejects a refused connection as a retryable provider error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = newClient();
    const err = await client.postJson(`http://127.0.0.1:${port}/x`, '{}', {}).catch((e: unknown) => e);
    expect(toProviderError('openai', err)).toMatchObject({ retryable: true });
    client.close();
  });

  it('cancels a request in flight with the signal, rejecting with its reason', async () => {
    let closedByClient = false;
    handler = (req) => {
      req.socket.on('close', () => (closedByClient = true));
      // Never answers.
    };
    const client = newClient();
    const controller = new AbortController();
    const pending = client.postJson(`${base}/hang`, '{}', {}, controller.signal);
    setTimeout(() => controller.abort(new Error('stop now')), 30);
    await expect(pending).rejects.toThrow('stop now');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedByClient).toBe(true);
    // An already-aborted signal sends nothing.
    await expect(client.postJson(`${base}/x`, '{}', {}, controller.signal)).rejects.toThrow('stop now');
    client.close();
  });

  it('refuses a body larger than its limit', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ text: 'x'.repeat(5000) }));
    };
    const client = newClient({ maxBodyBytes: 1000 });
    await expect(client.postJson(`${base}/x`, '{}', {})).rejects.toThrow(/larger than 1000 bytes/);
    client.close();
  });
});

describe('the HTTP worker thread', () => {
  it('is shared by clients: closing one leaves the others working', async () => {
    handler = (_req, body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    };
    const a = new built.HttpClient();
    const b = new built.HttpClient();
    expect((await a.postJson(`${base}/x`, '{"a":1}', {})).text).toBe('{"a":1}');
    a.close();
    expect((await b.postJson(`${base}/x`, '{"b":2}', {})).text).toBe('{"b":2}');
    await expect(a.postJson(`${base}/x`, '{}', {})).rejects.toThrow(/closed/);
    b.close();
  });

  it('does not keep an idle process alive, and answers many requests in flight at once', () => {
    // A child process: a server, 200 concurrent requests, no close() of the client; it must exit by itself.
    const script = `
      import { createServer } from 'node:http';
      const { HttpClient } = await import(${JSON.stringify(new URL('../../dist/engine/providers/http.js', import.meta.url).href)});
      const server = createServer((req, res) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => { res.writeHead(200); res.end(b); }); });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const url = 'http://127.0.0.1:' + server.address().port + '/v1';
      const client = new HttpClient();
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => client.postJson(url, JSON.stringify({ i }), {})));
      if (!answers.every((r, i) => JSON.parse(r.text).i === i)) throw new Error('answers out of order');
      server.close();
      process.stdout.write(client.thread + ' ok');
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('worker ok');
    expect(r.status).toBe(0);
  });

  it('a worker that dies fails the requests in flight as retryable, and the next request starts a new one', () => {
    const script = `
      import { createServer } from 'node:http';
      import { Worker } from 'node:worker_threads';
      const { HttpClient } = await import(${JSON.stringify(new URL('../../dist/engine/providers/http.js', import.meta.url).href)});
      const { toProviderError } = await import(${JSON.stringify(new URL('../../dist/engine/providers/errors.js', import.meta.url).href)});
      // The worker thread, seen when the client first writes to it.
      const workers = new Set();
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (...a) { workers.add(this); return post.apply(this, a); };
      const server = createServer((req, res) => { if (req.url === '/hang') return; req.resume(); req.on('end', () => { res.writeHead(200); res.end('{"ok":true}'); }); });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const base = 'http://127.0.0.1:' + server.address().port;
      const client = new HttpClient();
      const hanging = client.postJson(base + '/hang', '{}', {}).then(() => 'answered', (e) => e);
      await new Promise((r) => setTimeout(r, 100));
      const [first] = workers;
      await first.terminate();
      const err = await hanging;
      const again = await client.postJson(base + '/ok', '{}', {});
      server.closeAllConnections(); server.close(); client.close();
      process.stdout.write(JSON.stringify({ message: err.message, retryable: toProviderError('openai', err).retryable, again: again.text, workers: workers.size }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { message: string; retryable: boolean; again: string; workers: number };
    expect(out.message).toMatch(/HTTP worker thread stopped/);
    expect(out.retryable).toBe(true);
    expect(out.again).toBe('{"ok":true}');
    expect(out.workers).toBe(2);
  });
});

