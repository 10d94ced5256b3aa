/**
 * Dataset tooling for value-labeled pairs: statistics (label distribution per value, co-occurrence
 * of touched values), a seeded stratified train/test split, CSV import and JSONL/CSV export.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { stratifiedKFold } from '../stats/classification.js';
import { createRng, shuffleInPlace } from '../stats/rng.js';
import type { ValuePair } from '../values/pairs.js';
import { SCHWARTZ_VALUES } from '../values/schwartz.js';
import { csvCell, parseCsvRecords, type CsvRecord } from '../core/csv.js';
import { groupBy } from '../core/group-by.js';

export interface DatasetStats {
  pairs: number;
  labeled: number;
  /** Per value: how many pairs carry -1, 0 and +1 (real-valued scores rounded). */
  distribution: Record<string, { '-1': number; '0': number; '1': number }>;
  /** Pairs in which both values are non-zero (rows and columns in `values` order). */
  cooccurrence: { values: string[]; counts: number[][] };
  sources: Record<string, number>;
  risks: Record<string, number>;
}

export function risksOf(p: ValuePair): string[] {
  return p.risks ?? (p.risk ? [p.risk] : []);
}

export function datasetStats(pairs: readonly ValuePair[], values: readonly string[] = SCHWARTZ_VALUES): DatasetStats {
  const distribution = Object.fromEntries(values.map((v) => [v, { '-1': 0, '0': 0, '1': 0 }])) as DatasetStats['distribution'];
  const counts = values.map(() => values.map(() => 0));
  const sources: Record<string, number> = {};
  const risks: Record<string, number> = {};
  let labeled = 0;
  for (const p of pairs) {
    if (p.source) sources[p.source] = (sources[p.source] ?? 0) + 1;
    for (const r of risksOf(p)) risks[r] = (risks[r] ?? 0) + 1;
    if (!p.values) continue;
    labeled++;
    const lab = values.map((v) => Math.round(p.values![v] ?? 0));
    lab.forEach((l, i) => {
      distribution[values[i]!]![String(l) as '-1' | '0' | '1']++;
      if (l !== 0) lab.forEach((m, j) => { if (m !== 0) counts[i]![j]!++; });
    });
  }
  return { pairs: pairs.length, labeled, distribution, cooccurrence: { values: [...values], counts }, sources, risks };
}

/**
 * Seeded stratified split. Strata: the whole label vector (`labels`), the source model (`source`),
 * or none; a stratum too small to split goes whole to train.
 */
export function splitPairs(pairs: readonly ValuePair[], opts: { test?: number; seed?: number; stratify?: 'labels' | 'source' | 'none'; values?: readonly string[] } = {}): { train: ValuePair[]; test: ValuePair[] } {
  const fraction = opts.test ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new InputError(`--test must be a fraction in (0, 1), got ${fraction}`);
  const values = opts.values ?? SCHWARTZ_VALUES;
  const key = (p: ValuePair): string =>
    opts.stratify === 'source' ? (p.source ?? '') : opts.stratify === 'none' ? '' : values.map((v) => Math.round(p.values?.[v] ?? 0)).join(',');
  const rng = createRng(opts.seed ?? 1);
  const groups = groupBy(pairs.map((_, i) => i), (i) => key(pairs[i]!));
  const testIdx = new Set<number>();
  // Largest-remainder allocation over strata so the test share is exact overall, then a seeded
  // shuffle within each stratum picks its members.
  const target = Math.round(pairs.length * fraction);
  const entries = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const quotas = entries.map(([, idx]) => idx.length * fraction);
  const alloc = quotas.map(Math.floor);
  let left = target - alloc.reduce((s, x) => s + x, 0);
  const order = quotas.map((q, i) => [q - Math.floor(q), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    if (alloc[i]! < entries[i]![1].length) {
      alloc[i]!++;
      left--;
    }
  }
  entries.forEach(([, idx], g) => {
    const shuffled = shuffleInPlace(rng, [...idx]);
    for (const i of shuffled.slice(0, alloc[g])) testIdx.add(i);
  });
  return { train: pairs.filter((_, i) => !testIdx.has(i)), test: pairs.filter((_, i) => testIdx.has(i)) };
}

export { stratifiedKFold };

// ---------- CSV ----------

/** Header and records of a CSV file; records whose cells are all empty are skipped. */
export function parseCsv(text: string, file: string): { header: string[]; rows: CsvRecord[] } {
  const [head, ...rows] = parseCsvRecords(text, file).filter((r) => r.cells.some((x) => x !== ''));
  if (!head) throw new InputError(`${file}: empty CSV`);
  return { header: head.cells.map((h) => h.trim()), rows };
}

/**
 * CSV with columns id, prompt, response, one column per value (-1/0/1, empty = 0), optional risk
 * and source. Every bad cell is an error naming file, line and column.
 */
export function readPairsCsv(file: string, values: readonly string[] = SCHWARTZ_VALUES): ValuePair[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: cannot read file`);
  }
  const { header, rows } = parseCsv(text, file);
  const col = (name: string): number => header.indexOf(name);
  for (const need of ['prompt', 'response']) if (col(need) < 0) throw new InputError(`${file}:1: missing column "${need}" (header: ${header.join(', ')})`);
  const valueCols = values.filter((v) => col(v) >= 0);
  const ids = new Set<string>();
  return rows.map(({ line, cells }, r) => {
    if (cells.length !== header.length) throw new InputError(`${file}:${line}: ${cells.length} fields, header has ${header.length}`);
    const id = col('id') >= 0 ? cells[col('id')]! : String(r + 1);
    if (ids.has(id)) throw new InputError(`${file}:${line}: duplicate id "${id}"`);
    ids.add(id);
    const pair: ValuePair = { id, prompt: cells[col('prompt')]!, response: cells[col('response')]! };
    if (valueCols.length > 0) {
      pair.values = Object.fromEntries(values.map((v) => {
        const raw = col(v) >= 0 ? cells[col(v)]!.trim() : '';
        const x = raw === '' ? 0 : Number(raw.replace(/^\+/, ''));
        if (!Number.isFinite(x) || x < -1 || x > 1) throw new InputError(`${file}:${line}: column "${v}": "${raw}" is not a number in [-1, 1]`);
        return [v, x];
      }));
    }
    if (col('risk') >= 0 && cells[col('risk')]) pair.risk = cells[col('risk')]!;
    if (col('source') >= 0 && cells[col('source')]) pair.source = cells[col('source')]!;
    return pair;
  });
}

export function pairsToCsv(pairs: readonly ValuePair[], values: readonly string[] = SCHWARTZ_VALUES): string {
  const header = ['id', 'prompt', 'response', ...values, 'risk', 'source'];
  const lines = [header.join(',')];
  for (const p of pairs) lines.push([p.id, p.prompt, p.response, ...values.map((v) => p.values?.[v] ?? ''), p.risk ?? risksOf(p).join(';'), p.source ?? ''].map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

export function pairsToJsonl(pairs: readonly ValuePair[]): string {
  return pairs.map((p) => JSON.stringify(p)).join('\n') + (pairs.length ? '\n' : '');
}
