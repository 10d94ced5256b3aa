/**
 * The local provider's real code paths: loading a GGUF (written by the test), its chat template
 * from the metadata, chat and completion generation, JSON-schema grammars, one model at a time,
 * and downloads from a local server with the hub's URL layout (resume, checksum, offline reuse).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../src/config/schema.js';
import { Engine } from '../../src/engine/engine.js';
import { DownloadError, ensureModelFile } from '../../src/engine/local/download.js';
import { parseModelRef } from '../../src/engine/local/model-ref.js';
import { sharedLocalRuntime } from '../../src/engine/local/runtime.js';
import { RunStore } from '../../src/store/store.js';
import { writeTinyLlamaGguf } from '../helpers/tiny-gguf.js';

const dir = mkdtempSync(join(tmpdir(), 'vlx-local-'));
const chatModel = join(dir, 'tiny-chat.gguf');
const baseModel = join(dir, 'tiny-base.gguf');
writeTinyLlamaGguf(chatModel, { chatTemplate: true, name: 'tiny-chat', seed: 1 });
writeTinyLlamaGguf(baseModel, { chatTemplate: false, name: 'tiny-base', seed: 2 });

function engineFor(models: Array<Record<string, unknown>>): Engine {
  const config = studyConfigSchema.parse({ name: 'local', models });
  return new Engine({ models: config.models, seed: config.seed, store: RunStore.open(':memory:'), backoff: { baseMs: 5, maxRetries: 1 } });
}

describe('local GGUF models (node-llama-cpp)', () => {
  it('generates chat and completion answers, grammar-constrained JSON, and loads one model at a time', async () => {
    const engine = engineFor([
      { name: 'chat', provider: 'local', model: chatModel, kind: 'chat', tags: { training: 'instruct' } },
      { name: 'base', provider: 'local', model: baseModel, kind: 'completion', tags: { training: 'base' } },
    ]);
    const chat = await engine.generate({ model: 'chat', stage: 't', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What do you value?' }], params: { max_tokens: 8, temperature: 0.8 } });
    expect(chat.text.length).toBeGreaterThan(0);
    expect(chat.model_version).toBe('local/tiny-chat.gguf');
    expect(chat.usage.input_tokens).toBeGreaterThan(5);
    expect(chat.usage.output_tokens).toBeGreaterThan(0);
    const base = await engine.generate({ model: 'base', stage: 't', prompt: 'I value', params: { max_tokens: 8, temperature: 0.7 } });
    expect(base.text.length).toBeGreaterThan(0);
    const schema = { type: 'object', properties: { rating: { enum: [1, 2, 3, 4, 5] } }, required: ['rating'] };
    const json = await engine.generate({ model: 'chat', stage: 't', messages: [{ role: 'user', content: 'Rate honesty 1-5 as JSON.' }], params: { max_tokens: 40, temperature: 1, json_schema: schema } });
    const parsed = JSON.parse(json.text) as { rating: number };
    expect([1, 2, 3, 4, 5]).toContain(parsed.rating);
    // Same request again: answered from the run database, not the model.
    const again = await engine.generate({ model: 'base', stage: 't', prompt: 'I value', params: { max_tokens: 8, temperature: 0.7 } });
    expect(again.cached).toBe(true);
    expect(again.text).toBe(base.text);
    // Interleaved requests for two models: the runtime groups them instead of reloading per request.
    const runtime = sharedLocalRuntime();
    const switchesBefore = runtime.modelSwitches;
    await engine.map(Array.from({ length: 12 }, (_, i) => i), (i) =>
      engine.generate({ model: i % 2 ? 'chat' : 'base', stage: 't', prompt: `Item ${i}:`, params: { max_tokens: 4 } }), { label: 'mix' });
    expect(runtime.modelSwitches - switchesBefore).toBeLessThanOrEqual(3);
    expect(runtime.peakRssBytes).toBeGreaterThan(0);
  }, 120_000);

  it('a missing model file is a clear, non-retried error', async () => {
    const engine = engineFor([{ name: 'gone', provider: 'local', model: join(dir, 'nope.gguf') }]);
    await expect(engine.generate({ model: 'gone', stage: 't', prompt: 'x' })).rejects.toThrow(/local model "gone": model file .*nope\.gguf does not exist/);
  });
});

describe('model downloads with the hub URL layout', () => {
  let server: Server;
  let endpoint: string;
  const file = readFileSync(chatModel);
  const sha = createHash('sha256').update(file).digest('hex');
  let cutNextGetAt: number | undefined;
  let lieAboutSha = false;
  const rangesSeen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '';
      if (url === '/acme/tiny-GGUF/resolve/main/tiny-q4.gguf') {
        // Like the hub: a redirect to the CDN carrying the LFS object's size and SHA-256.
        res.writeHead(302, {
          location: '/cdn/blob',
          'x-linked-size': String(file.length),
          'x-linked-etag': `"${lieAboutSha ? '0'.repeat(64) : sha}"`,
        });
        return res.end();
      }
      if (url === '/cdn/blob') {
        const range = req.headers.range;
        if (range) rangesSeen.push(range);
        const start = range ? Number(/bytes=(\d+)-/.exec(range)![1]) : 0;
        const body = file.subarray(start);
        res.writeHead(range ? 206 : 200, { 'content-length': String(body.length), 'accept-ranges': 'bytes', ...(range ? { 'content-range': `bytes ${start}-${file.length - 1}/${file.length}` } : {}) });
        if (cutNextGetAt !== undefined) {
          const cut = cutNextGetAt;
          cutNextGetAt = undefined;
          res.write(body.subarray(0, cut));
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        }
        return res.end(body);
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('parses hub references', () => {
    const ref = parseModelRef('hf:acme/tiny-GGUF/sub/dir/m.gguf@v2', { HF_ENDPOINT: 'http://h' });
    expect(ref).toMatchObject({ kind: 'hf', user: 'acme', repo: 'tiny-GGUF', file: 'sub/dir/m.gguf', revision: 'v2', url: 'http://h/acme/tiny-GGUF/resolve/v2/sub/dir/m.gguf' });
    expect(() => parseModelRef('hf:acme/only-repo')).toThrow(/expected hf:<user>\/<repo>\/<file>\.gguf/);
  });

  it('resumes an interrupted download, verifies size and checksum, then works offline', async () => {
    const env = { HF_ENDPOINT: endpoint, VALUELEX_MODELS_DIR: mkdtempSync(join(tmpdir(), 'vlx-models-')) };
    cutNextGetAt = 10_000;
    await expect(ensureModelFile('hf:acme/tiny-GGUF/tiny-q4.gguf', { env })).rejects.toThrow(/re-run to resume/);
    const path = await ensureModelFile('hf:acme/tiny-GGUF/tiny-q4.gguf', { env });
    expect(rangesSeen.at(-1)).toBe('bytes=10000-');
    expect(statSync(path).size).toBe(file.length);
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(sha);
    expect(existsSync(`${path}.part`)).toBe(false);
    // Offline afterwards: the cached file is used without asking the server.
    const offline = await ensureModelFile('hf:acme/tiny-GGUF/tiny-q4.gguf', { env: { ...env, HF_ENDPOINT: 'http://127.0.0.1:9' } });
    expect(offline).toBe(path);
    // And the downloaded model runs through the engine.
    process.env.VALUELEX_MODELS_DIR = env.VALUELEX_MODELS_DIR;
    process.env.HF_ENDPOINT = endpoint;
    try {
      const engine = engineFor([{ name: 'hub', provider: 'local', model: 'hf:acme/tiny-GGUF/tiny-q4.gguf' }]);
      const r = await engine.generate({ model: 'hub', stage: 't', messages: [{ role: 'user', content: 'hi' }], params: { max_tokens: 4 } });
      expect(r.text.length).toBeGreaterThan(0);
    } finally {
      delete process.env.VALUELEX_MODELS_DIR;
      delete process.env.HF_ENDPOINT;
    }
  }, 60_000);

  it('rejects a checksum mismatch and removes the partial file', async () => {
    const env = { HF_ENDPOINT: endpoint, VALUELEX_MODELS_DIR: mkdtempSync(join(tmpdir(), 'vlx-models-')) };
    lieAboutSha = true;
    try {
      const err = await ensureModelFile('hf:acme/tiny-GGUF/tiny-q4.gguf', { env }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DownloadError);
      expect(String(err)).toMatch(/SHA-256 [0-9a-f]{64} does not match/);
      expect(existsSync(join(env.VALUELEX_MODELS_DIR, 'hf/acme/tiny-GGUF/main/tiny-q4.gguf.part'))).toBe(false);
    } finally {
      lieAboutSha = false;
    }
  });

  it('an unreachable hub is a clear error naming the way out', async () => {
    const env = { HF_ENDPOINT: 'http://127.0.0.1:9', VALUELEX_MODELS_DIR: mkdtempSync(join(tmpdir(), 'vlx-models-')) };
    await expect(ensureModelFile('hf:acme/tiny-GGUF/tiny-q4.gguf', { env })).rejects.toThrow(/cannot reach .*use a local \.gguf path/);
  });
});
