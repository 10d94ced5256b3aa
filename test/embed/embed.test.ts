import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GloveEmbedder, convertWinkJson, parseGloveBinary, tokenize, embedPhrase } from '../../src/embed/glove.js';
import { OllamaEmbedder } from '../../src/embed/ollama.js';
import { OpenAIEmbedder } from '../../src/embed/openai.js';
import { CachedEmbedder } from '../../src/embed/cache.js';
import { EmbeddingError } from '../../src/embed/types.js';
import { RunStore } from '../../src/store/store.js';
import { peek, tempStore } from '../helpers/sql.js';

// A tiny file in the wink-embeddings layout: per word d values, L2 norm, word index.
function winkJson(): string {
  const words = ['honesty', 'user', 'centric', 'care', 'help'];
  const vecs: Record<string, number[]> = {};
  words.forEach((w, i) => {
    const v = [i + 1, -(i + 1), 0.5 * i];
    vecs[w] = [...v, Math.hypot(...v), i];
  });
  return JSON.stringify({ precision: 8, l2NormIndex: 3, wordIndex: 4, size: words.length, dimensions: 3, words, vectors: vecs, unkVector: [0, 0, 0, 0, 0] });
}

describe('glove', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vl-glove-'));
  const jsonPath = join(dir, 'emb.json');
  writeFileSync(jsonPath, winkJson());

  it('converts to a binary cache that round-trips', () => {
    const wv = parseGloveBinary(convertWinkJson(readFileSync(jsonPath, 'utf8')));
    expect(wv.dimension).toBe(3);
    expect(wv.words).toEqual(['honesty', 'user', 'centric', 'care', 'help']);
    expect(Array.from(wv.vector('care')!)).toEqual([4, -4, 1.5]);
  });

  it('writes the cache once, atomically, keyed by version', async () => {
    const cacheDir = join(dir, 'cache');
    const e = new GloveEmbedder({ jsonPath, version: '9.9.9', cacheDir });
    const [v] = await e.embed(['Honesty']);
    expect(Array.from(v!)).toEqual([1, -1, 0]);
    expect(readdirSync(cacheDir)).toEqual(['glove-wink-sg-100d-9.9.9.bin']);
  });

  it('averages tokens of phrases and hyphenated words, strips suffixes of unknown words', async () => {
    const e = new GloveEmbedder({ jsonPath, version: '9.9.9', cacheDir: join(dir, 'cache') });
    const [v, w] = await e.embed(['user-centric', 'helpfulness']);
    expect(Array.from(v!)).toEqual([2.5, -2.5, 0.75]);
    expect(Array.from(w!)).toEqual([5, -5, 2]);
    expect(tokenize('Care/help_of "users"!')).toEqual(['care', 'help', 'of', 'users']);
    // Unknown tokens are left out of the mean when some token is known.
    expect(Array.from(embedPhrase(e.vectors(), 'care qzx'))).toEqual([4, -4, 1.5]);
  });

  it('throws naming the words when no token is known, and on empty text', () => {
    const wv = new GloveEmbedder({ jsonPath, version: '9.9.9', cacheDir: join(dir, 'cache') }).vectors();
    expect(() => embedPhrase(wv, 'qzx blorp')).toThrow(/no known word.*qzx, blorp/);
    expect(() => embedPhrase(wv, '  --  ')).toThrow(EmbeddingError);
  });

  it('rejects a corrupt cache', () => {
    const buf = convertWinkJson(winkJson());
    expect(() => parseGloveBinary(buf.subarray(0, buf.length - 4))).toThrow(/expected/);
  });
});

describe('HTTP backends against a real local server', () => {
  let server: Server;
  let base = '';
  const seen: unknown[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const json = JSON.parse(body) as { model: string; input: string[] };
        seen.push(json);
        const vec = (t: string): number[] => (json.model === 'nan' ? [NaN, 1] : json.model === 'ragged' && t === 'b' ? [1] : [t.length, 1]);
        res.setHeader('content-type', 'application/json');
        if (json.model === 'fail') {
          res.statusCode = 500;
          res.end(JSON.stringify({ error: { message: 'boom' } }));
        } else if (req.url === '/api/embed') {
          res.end(JSON.stringify({ embeddings: json.input.map(vec) }).replace(/null/g, '"x"'));
        } else if (req.url === '/v1/embeddings') {
          // Out of order on purpose: the client must use `index`.
          const data = json.input.map((t, index) => ({ object: 'embedding', index, embedding: vec(t) })).reverse();
          res.end(JSON.stringify({ object: 'list', data, model: json.model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
        } else {
          res.statusCode = 404;
          res.end('{}');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('ollama native: batches and keeps order', async () => {
    const e = new OllamaEmbedder({ model: 'm', baseURL: base, batchSize: 2 });
    const v = await e.embed(['a', 'bbb', 'cc']);
    expect(v.map((x) => x[0])).toEqual([1, 3, 2]);
    expect(e.dimension).toBe(2);
  });

  it('ollama native: HTTP 500, ragged and non-number vectors are clear errors', async () => {
    await expect(new OllamaEmbedder({ model: 'fail', baseURL: base }).embed(['a'])).rejects.toThrow(/HTTP 500/);
    await expect(new OllamaEmbedder({ model: 'ragged', baseURL: base }).embed(['a', 'b'])).rejects.toThrow(/dimension 1, expected 2/);
    await expect(new OllamaEmbedder({ model: 'nan', baseURL: base }).embed(['a'])).rejects.toThrow(/non-number/);
    await expect(new OllamaEmbedder({ model: 'm', baseURL: base, dimension: 5 }).embed(['a'])).rejects.toThrow(/expected 5/);
    await expect(new OllamaEmbedder({ model: 'm', baseURL: base }).embed([''])).rejects.toThrow(/empty/);
  });

  it('openai-compatible: restores order by index; errors are clear', async () => {
    const e = new OpenAIEmbedder({ model: 'm', baseURL: `${base}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const v = await e.embed(['a', 'bbb']);
    expect(v.map((x) => x[0])).toEqual([1, 3]);
    await expect(new OpenAIEmbedder({ model: 'fail', baseURL: `${base}/v1`, maxRetries: 0 }).embed(['a'])).rejects.toThrow(/request failed/);
    await expect(new OpenAIEmbedder({ model: 'ragged', baseURL: `${base}/v1`, maxRetries: 0 }).embed(['a', 'b'])).rejects.toThrow(/dimension/);
  });

  it('CachedEmbedder sends only uncached texts and returns stored vectors', async () => {
    const store = tempStore();
    const inner = new OllamaEmbedder({ model: 'm', baseURL: base });
    const cached = new CachedEmbedder(inner, store);
    seen.length = 0;
    const first = await cached.embed(['a', 'bb', 'a']);
    expect(cached.misses).toBe(2);
    const second = await cached.embed(['bb', 'ccc', 'a']);
    expect(cached.misses).toBe(3);
    expect(seen.map((s) => (s as { input: string[] }).input)).toEqual([['a', 'bb'], ['ccc']]);
    expect(second.map((v) => Array.from(v))).toEqual([[2, 1], [3, 1], [1, 1]]);
    expect(Array.from(first[2]!)).toEqual([1, 1]);
    const rows = peek(store).prepare('SELECT COUNT(*) AS n FROM embeddings').get() as { n: number };
    expect(rows.n).toBe(3);
    store.close();
  });
});
