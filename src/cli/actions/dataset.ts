/** `valuelex dataset ...`: value-labeled pairs tooling, on src/evaluation/dataset.ts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { datasetStats, pairsToCsv, pairsToJsonl, readPairsCsv, splitPairs } from '../../evaluation/dataset.js';
import { readPairs, type ValuePair } from '../../values/pairs.js';
import { SCHWARTZ_VALUES } from '../../values/schwartz.js';
import { log, output, type GlobalOptions } from '../util.js';

async function readAny(file: string, source?: string): Promise<{ pairs: ValuePair[]; format: string; issues: Array<{ line: number; message: string }> }> {
  if (/\.csv$/i.test(file)) return { pairs: readPairsCsv(file), format: 'csv', issues: [] };
  return readPairs(file, source ? { source } : {});
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export async function validate(file: string, opts: GlobalOptions): Promise<void> {
  const { pairs, format, issues } = await readAny(file);
  output(opts, { file, format, pairs: pairs.length, labeled: pairs.filter((p) => p.values).length, issues }, () =>
    [`${file}: ${pairs.length} pairs (${format}), ${issues.length} import notes`, ...issues.map((i) => `${file}:${i.line}: ${i.message}`)].join('\n'),
  );
}

export async function stats(file: string, opts: GlobalOptions): Promise<void> {
  const { pairs } = await readAny(file);
  const s = datasetStats(pairs);
  output(opts, s, () => {
    const lines = [`${s.pairs} pairs, ${s.labeled} labeled`, 'value               -1       0      +1'];
    for (const v of SCHWARTZ_VALUES) {
      const d = s.distribution[v]!;
      lines.push(`${v.padEnd(16)} ${String(d['-1']).padStart(5)} ${String(d['0']).padStart(7)} ${String(d['1']).padStart(7)}`);
    }
    if (Object.keys(s.sources).length) lines.push('sources: ' + Object.entries(s.sources).map(([k, n]) => `${k} ${n}`).join(', '));
    if (Object.keys(s.risks).length) lines.push('risks: ' + Object.entries(s.risks).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', '));
    return lines.join('\n');
  });
}

export async function split(file: string, opts: GlobalOptions & { outDir: string; test: string; stratify: string; seed: string }): Promise<void> {
  if (!['labels', 'source', 'none'].includes(opts.stratify)) throw new InputError(`--stratify: expected labels, source or none, got "${opts.stratify}"`);
  const { pairs } = await readAny(file);
  const { train, test } = splitPairs(pairs, { test: Number(opts.test), seed: Number(opts.seed), stratify: opts.stratify as 'labels' });
  write(join(opts.outDir, 'train.jsonl'), pairsToJsonl(train));
  write(join(opts.outDir, 'test.jsonl'), pairsToJsonl(test));
  output(opts, { train: train.length, test: test.length, out_dir: opts.outDir }, () => `${train.length} train and ${test.length} test pairs in ${opts.outDir}`);
}

export async function importPairs(file: string, opts: GlobalOptions & { out: string; source?: string }): Promise<void> {
  const { pairs, format, issues } = await readAny(file, opts.source);
  for (const i of issues) log(`${file}:${i.line}: ${i.message}`);
  write(opts.out, pairsToJsonl(pairs));
  output(opts, { format, pairs: pairs.length, issues: issues.length, out: opts.out }, () => `${pairs.length} pairs (${format}, ${issues.length} import notes) written to ${opts.out}`);
}

export async function exportPairs(file: string, opts: GlobalOptions & { out: string; format?: string }): Promise<void> {
  const format = opts.format ?? (/\.csv$/i.test(opts.out) ? 'csv' : 'jsonl');
  if (!['csv', 'jsonl'].includes(format)) throw new InputError(`--format: expected jsonl or csv, got "${format}"`);
  const { pairs } = await readAny(file);
  write(opts.out, format === 'csv' ? pairsToCsv(pairs) : pairsToJsonl(pairs));
  output(opts, { pairs: pairs.length, format, out: opts.out }, () => `${pairs.length} pairs written to ${opts.out} (${format})`);
}
