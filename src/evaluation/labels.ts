/**
 * Human labels of (prompt, response) pairs on a value system, stored in the run database so the
 * evaluator can be trained on them, with agreement between annotators.
 */
import { krippendorffAlpha } from '../stats/agreement.js';
import type { RunStore } from '../store/store.js';
import { answeredRespondents } from '../study/stages/elicit/tables.js';
import { SCHWARTZ_VALUES } from '../values/schwartz.js';
import { ensureLabelSchema, labelRows, putLabel, type LabelRow } from './tables.js';

/** The values a pair is labeled on: Schwartz's ten, in the order of the value-pairs contract. */
export const LABEL_VALUES = SCHWARTZ_VALUES;

export { ensureLabelSchema, type LabelRow };

export interface Pair {
  id: string;
  model: string;
  prompt: string;
  response: string;
}

/** The prompt a cached request carried: its last user message, or its completion prompt. */
function promptOf(requestJson: string | null): string {
  if (!requestJson) return '';
  try {
    const req = JSON.parse(requestJson) as { messages?: Array<{ role: string; content: string }>; prompt?: string };
    const users = (req.messages ?? []).filter((m) => m.role === 'user');
    return users.length > 0 ? String(users[users.length - 1]!.content) : String(req.prompt ?? '');
  } catch {
    return '';
  }
}

/** The labelable pairs of a run: every answered elicitation request. */
export function listPairs(store: RunStore, opts: { limit?: number; offset?: number } = {}): Pair[] {
  if (!store.hasTable('elicit_respondents')) return [];
  const rows = answeredRespondents(store, opts.limit ?? 500, opts.offset ?? 0);
  return rows.map((r) => ({ id: r.id, model: r.model, prompt: promptOf(r.request), response: r.response_text }));
}

export function saveLabel(store: RunStore, row: Omit<LabelRow, 'created_at'>): void {
  putLabel(store, { ...row, created_at: new Date().toISOString() });
}

export function listLabels(store: RunStore): LabelRow[] {
  if (!store.hasTable('labels')) return [];
  return labelRows(store);
}

export interface Agreement {
  annotators: string[];
  /** Units (pair x value) labeled by at least two annotators. */
  units: number;
  /** Krippendorff's alpha (ordinal: -1 < 0 < 1); null with fewer than two annotators on any unit. */
  alpha: number | null;
}

export function labelAgreement(store: RunStore): Agreement {
  const labels = listLabels(store);
  const annotators = [...new Set(labels.map((l) => l.annotator))].sort();
  const units = new Map<string, Map<string, number>>();
  for (const l of labels) {
    const key = `${l.pair_id}\u0000${l.value}`;
    if (!units.has(key)) units.set(key, new Map());
    units.get(key)!.set(l.annotator, l.label);
  }
  const matrix = [...units.values()].filter((u) => u.size >= 2).map((u) => annotators.map((a) => u.get(a) ?? null));
  if (matrix.length === 0) return { annotators, units: 0, alpha: null };
  const alpha = krippendorffAlpha(matrix, 'ordinal').alpha;
  return { annotators, units: matrix.length, alpha: Number.isFinite(alpha) ? alpha : null };
}

/**
 * Labels as value-pairs JSONL (the value-pairs contract), one line per (pair, annotator), values not
 * labeled defaulting to 0, so `valuelex train-evaluator --train` can read it.
 */
export function exportLabelsJsonl(store: RunStore): string {
  const labels = listLabels(store);
  const pairs = new Map(listPairs(store, { limit: 1_000_000 }).map((p) => [p.id, p]));
  const groups = new Map<string, LabelRow[]>();
  for (const l of labels) {
    const key = `${l.pair_id}\u0000${l.annotator}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(l);
  }
  const lines: string[] = [];
  for (const rows of groups.values()) {
    const pair = pairs.get(rows[0]!.pair_id);
    if (!pair) continue;
    const values = Object.fromEntries(LABEL_VALUES.map((v) => [v, 0])) as Record<string, number>;
    for (const r of rows) values[r.value] = r.label;
    lines.push(JSON.stringify({ id: `${pair.id}#${rows[0]!.annotator}`, prompt: pair.prompt, response: pair.response, values, annotator: rows[0]!.annotator }));
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
