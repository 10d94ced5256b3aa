/**
 * The transformers.js backend on a model folder the test builds (test/helpers/tiny-onnx.ts): real
 * loading code (tokenizer.json, config.json, onnx/model.onnx through onnxruntime-node), offline.
 * The tiny model's hidden state is an embedding lookup, so the expected sentence vector is the
 * normalised mean of its tokens' vectors ([CLS] and [SEP] included).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmbedder } from '../../src/embed/create.js';
import { TransformersEmbedder } from '../../src/embed/transformers.js';
import { buildTinyOnnxModel, TINY_VOCAB, tokenVector } from '../helpers/tiny-onnx.js';
import { runCli } from '../helpers/cli.js';

function expected(tokens: string[]): number[] {
  const ids = ['[CLS]', ...tokens, '[SEP]'].map((t) => TINY_VOCAB.indexOf(t));
  const mean = Array.from({ length: 8 }, (_, j) => ids.reduce((s, id) => s + tokenVector(id)[j]!, 0) / ids.length);
  const norm = Math.hypot(...mean);
  return mean.map((x) => x / norm);
}

describe('transformers.js embeddings from a local model folder', () => {
  it('loads offline and mean-pools the last hidden state with the attention mask', async () => {
    const dir = buildTinyOnnxModel(join(mkdtempSync(join(tmpdir(), 'vlx-tjs-')), 'tiny-model'));
    const e = createEmbedder({ backend: 'transformers', path: dir });
    expect(e.id).toBe(`transformers:${dir}`);
    // Different lengths in one batch: padding must not leak into the mean.
    const [a, b, c] = await e.embed(['Honesty and kindness', 'power', 'kindness']);
    expect(e.dimension).toBe(8);
    Array.from(a!).forEach((x, j) => expect(x).toBeCloseTo(expected(['honesty', 'and', 'kindness'])[j]!, 5));
    Array.from(b!).forEach((x, j) => expect(x).toBeCloseTo(expected(['power'])[j]!, 5));
    Array.from(c!).forEach((x, j) => expect(x).toBeCloseTo(expected(['kindness'])[j]!, 5));
    // WordPiece: an unseen word splits into known pieces or [UNK].
    const [d] = await e.embed(['kindnesss']);
    expect(d!.length).toBe(8);
    await e.close?.();
  }, 60_000);

  it('names what is missing instead of downloading', async () => {
    const dir = buildTinyOnnxModel(join(mkdtempSync(join(tmpdir(), 'vlx-tjs-')), 'm'));
    rmSync(join(dir, 'onnx', 'model.onnx'));
    await expect(new TransformersEmbedder({ path: dir }).embed(['care'])).rejects.toThrow(/no onnx\/model\.onnx or onnx\/model_quantized\.onnx/);
    rmSync(join(dir, 'tokenizer.json'));
    await expect(new TransformersEmbedder({ path: dir }).embed(['care'])).rejects.toThrow(/tokenizer\.json is missing/);
    expect(() => createEmbedder({ backend: 'transformers' })).toThrow(/needs path/);
    await expect(new TransformersEmbedder({ path: dir }).embed([' '])).rejects.toThrow(/text #1 is empty/);
  });

  it('valuelex embed --backend transformers --path writes the vectors', () => {
    const root = mkdtempSync(join(tmpdir(), 'vlx-tjs-cli-'));
    const dir = buildTinyOnnxModel(join(root, 'tiny'));
    writeFileSync(join(root, 'words.txt'), 'safety\nfreedom and fun\n');
    const r = runCli(['embed', '--input', join(root, 'words.txt'), '--backend', 'transformers', '--path', dir, '--out', join(root, 'v.csv'), '--json']);
    expect(r.stderr).not.toMatch(/valuelex: /);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(root, 'v.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(Number(lines[1]!.split(',')[1])).toBeCloseTo(expected(['safety'])[0]!, 5);
  }, 60_000);
});
