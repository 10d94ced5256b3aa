/** `valuelex embed`: texts to vectors with any backend, as CSV. */
import { writeFileSync } from 'node:fs';
import { embeddingConfigSchema } from '../../config/schema.js';
import { csvCell } from '../../core/csv.js';
import { InputError } from '../../core/errors.js';
import { readTextFile } from '../../core/text-file.js';
import { createEmbedder } from '../../embed/create.js';
import { EmbeddingError } from '../../embed/types.js';
import { log, output, type GlobalOptions } from '../util.js';

export interface EmbedCommandOptions extends GlobalOptions {
  input: string;
  out: string;
  backend: string;
  path?: string;
  model?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
}

export async function embed(opts: EmbedCommandOptions): Promise<void> {
  const parsed = embeddingConfigSchema.safeParse({
    backend: opts.backend,
    model: opts.model,
    base_url: opts.baseUrl,
    api_key_env: opts.apiKeyEnv,
    path: opts.path,
  });
  if (!parsed.success) throw new InputError(`embed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const text = readTextFile(opts.input);
  const texts = text.split(/\r?\n/).map((t) => t.trim()).filter((t) => t.length > 0);
  if (texts.length === 0) throw new InputError(`${opts.input}: no texts`);
  const started = performance.now();
  let vectors: Float32Array[];
  let backedOff: string[] = [];
  let unembeddable: string[] = [];
  try {
    const embedder = createEmbedder(parsed.data);
    if (embedder.embedWithReport) {
      // Backends that back off (GloVe) say which texts got approximate or no vectors.
      const report = await embedder.embedWithReport(texts);
      vectors = report.vectors;
      for (const w of report.warnings) log(w);
      unembeddable = texts.filter((_, i) => report.details[i]!.source === 'none');
      backedOff = texts.filter((_, i) => report.details[i]!.source === 'backoff');
      if (backedOff.length > 0) log(`${backedOff.length} texts had words not in the vocabulary, embedded by backoff (word pieces, spelling, character n-grams): ${backedOff.slice(0, 10).join(', ')}${backedOff.length > 10 ? ', ...' : ''}`);
    } else vectors = await embedder.embed(texts);
    await embedder.close?.();
  } catch (e) {
    if (e instanceof EmbeddingError) throw new InputError(e.message);
    throw e;
  }
  const dim = vectors[0]!.length;
  const header = ['text', ...Array.from({ length: dim }, (_, j) => `d${j + 1}`)].join(',');
  const rows = texts.map((t, i) => [csvCell(t), ...Array.from(vectors[i]!, (v) => String(v))].join(','));
  writeFileSync(opts.out, [header, ...rows].join('\n') + '\n');
  const result = { backend: parsed.data.backend, texts: texts.length, dimension: dim, out: opts.out, seconds: (performance.now() - started) / 1000, backed_off: backedOff, unembeddable };
  output(opts, result, () => `embedded ${texts.length} texts (${dim} dimensions) with ${result.backend} -> ${opts.out}`);
}
