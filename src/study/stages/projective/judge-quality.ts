/**
 * The judge as a measured instrument, from what the projective stage stored: stability of its scores
 * under re-scoring (repeats at a sampling temperature, paraphrased instructions), with determinism told
 * apart from stability; order, length and self-preference effects; agreement between judges; and the
 * calibration against labeled pairs that the stage computed (its labeled scores are not kept, so it is
 * carried from the stage's record).
 */
import type { ModelConfig } from '../../../config/schema.js';
import { groupBy } from '../../../core/group-by.js';
import { injectionEffect, judgeStabilityOf, kappaOrNull, type InjectionEffect, lengthBias, pairedShift, selfPreference, type CorrelationEffect, type GroupEffect, type JudgeStability, type RescoredUnit, type ShiftEffect } from '../../../judge/checks.js';
import type { RunStore } from '../../../store/store.js';
import { injectionScores, orderScores, repeatScores, rescoreRows, scoredRowsWithText, type ScoreRow } from './tables.js';

export interface JudgeCalibration {
  file: string;
  pairs: number;
  /** Per judge: accuracy on the labeled pairs, per dimension and overall (which judge disagrees with labels most). */
  accuracy: Record<string, { overall: number; per_dimension: Record<string, number> }>;
  /** Per judge, model and dimension: raw and calibration-corrected means with intervals. */
  corrected: Array<{ judge: string; model: string; dimension: string; raw: number; corrected: number; ci_low: number; ci_high: number; n: number }>;
}

export interface JudgeQuality {
  combine: 'mean' | 'majority';
  /** Re-scorings per completion at `repeat_temperature` (0: none). */
  repeats: number;
  repeat_temperature: number | null;
  variants: number;
  /** Per judge: stability under repeats at a sampling temperature. */
  stability?: Record<string, JudgeStability>;
  /** Per judge: stability under paraphrased instructions (wording sensitivity). */
  wording?: Record<string, JudgeStability>;
  order?: Record<string, Record<string, ShiftEffect>>;
  length?: Record<string, Record<string, CorrelationEffect>>;
  self_preference?: Record<string, Record<string, GroupEffect>>;
  /** Per judge: how its scores moved when an instruction to the judge was appended inside the fenced text. */
  injection?: Record<string, InjectionEffect>;
  pairwise_kappa?: Array<{ a: string; b: string; dimension: string; kappa: number | null; n: number; unit: 'completions' }>;
  calibration?: JudgeCalibration;
}

export interface JudgeQualitySettings {
  combine: 'mean' | 'majority';
  judges: readonly ModelConfig[];
  models: readonly ModelConfig[];
  dimensions: readonly string[];
  checks: readonly string[];
  calibration?: JudgeCalibration | undefined;
}

const key = (...parts: string[]): string => parts.join('\u0000');

/** Stability under re-scoring, per judge and kind, from the stored re-scorings (or an older run's repeats). */
function stabilityOf(store: RunStore, judges: readonly string[], primary: ReadonlyMap<string, number>): { repeats: Map<string, JudgeStability>; variants: Map<string, JudgeStability>; k: number; temperature: number | null; n: number } {
  const repeats = new Map<string, JudgeStability>(), variants = new Map<string, JudgeStability>();
  let k = 0, n = 0, temperature: number | null = null;
  if (store.hasTable('projective_judge_rescores')) {
    const rows = rescoreRows(store);
    for (const kind of ['repeat', 'variant'] as const) {
      for (const judge of judges) {
        const own = rows.filter((r) => r.kind === kind && r.judge === judge);
        if (own.length === 0) continue;
        const units: RescoredUnit[] = [];
        for (const rs of groupBy(own, (r) => key(r.completion_id, r.dimension)).values()) {
          const sorted = [...rs].sort((x, y) => x.k - y.k);
          const r0 = sorted[0]!;
          units.push({
            unit: r0.completion_id, item: r0.item, dimension: r0.dimension,
            scores: sorted.map((r) => r.score), hashes: sorted.map((r) => r.answer_hash),
            ...(kind === 'variant' ? { reference: primary.get(key(r0.completion_id, judge, r0.dimension)) ?? null } : {}),
          });
        }
        const temp = own[0]!.temperature;
        const result = judgeStabilityOf(units, kind, temp);
        if (kind === 'repeat') { repeats.set(judge, result); k = Math.max(k, result.k); temperature = temp; } else { variants.set(judge, result); n = Math.max(n, result.k); }
      }
    }
  }
  if (repeats.size === 0 && store.hasTable('projective_judge_repeats')) {
    // A run made before re-scorings had their own table: repeats at the judge's own temperature, no answer hashes.
    const legacy = repeatScores(store);
    for (const judge of judges) {
      const own = legacy.filter((r) => r.judge === judge);
      if (own.length === 0) continue;
      const units = [...groupBy(own, (r) => key(r.id, r.dimension)).values()].map((rs) => ({ unit: rs[0]!.id, item: rs[0]!.item, dimension: rs[0]!.dimension, scores: rs.map((r) => r.score), hashes: rs.map(() => null) }));
      const result = judgeStabilityOf(units, 'repeat', 0);
      repeats.set(judge, result);
      k = Math.max(k, result.k);
      temperature = 0;
    }
  }
  return { repeats, variants, k, temperature, n };
}

export function judgeQualityOf(store: RunStore, settings: JudgeQualitySettings): JudgeQuality {
  const rows = (scoredRowsWithText(store) as Array<ScoreRow & { completion: string }>).sort((a, b) => (a.id === b.id ? (a.judge === b.judge ? (a.dimension < b.dimension ? -1 : 1) : a.judge < b.judge ? -1 : 1) : a.id < b.id ? -1 : 1));
  const judges = [...new Set([...settings.judges.map((j) => j.name), ...rows.map((r) => r.judge)])];
  const primary = new Map(rows.map((r) => [key(r.id, r.judge, r.dimension), r.score]));
  const st = stabilityOf(store, judges, primary);
  const q: JudgeQuality = { combine: settings.combine, repeats: st.k, repeat_temperature: st.temperature, variants: st.n };
  if (st.repeats.size > 0) q.stability = Object.fromEntries(st.repeats);
  if (st.variants.size > 0) q.wording = Object.fromEntries(st.variants);
  const dims = settings.dimensions;
  if (settings.checks.includes('order')) {
    q.order = {};
    const ord = orderScores(store);
    for (const j of judges) {
      q.order[j] = {};
      for (const d of dims) {
        const pairs = ord.filter((o) => o.judge === j && o.dimension === d && primary.has(key(o.id, j, d)));
        q.order[j]![d] = pairedShift(pairs.map((o) => primary.get(key(o.id, j, d))!), pairs.map((o) => o.score));
      }
    }
  }
  if (settings.checks.includes('length')) {
    q.length = {};
    for (const j of judges) {
      q.length[j] = {};
      for (const d of dims) {
        const rs = rows.filter((r) => r.judge === j && r.dimension === d);
        q.length[j]![d] = lengthBias(rs.map((r) => r.completion.length), rs.map((r) => r.score));
      }
    }
  }
  if (settings.checks.includes('self')) {
    q.self_preference = {};
    const base = (m: string): string => m.replace(/\+[\w-]+$/, '');
    for (const j of settings.judges) {
      const own = new Set(settings.models.filter((m) => m.provider === j.provider && base(m.model) === base(j.model)).map((m) => m.name));
      if (own.size === 0) continue;
      q.self_preference[j.name] = {};
      for (const d of dims) {
        const rs = rows.filter((r) => r.judge === j.name && r.dimension === d);
        q.self_preference[j.name]![d] = selfPreference(rs.filter((r) => own.has(r.model)).map((r) => r.score), rs.filter((r) => !own.has(r.model)).map((r) => r.score));
      }
    }
  }
  if (settings.checks.includes('injection') && store.hasTable('projective_injection_scores')) {
    q.injection = {};
    const injected = injectionScores(store);
    for (const j of judges) {
      const pairs = injected.filter((o) => o.judge === j && primary.has(key(o.id, j, o.dimension))).map((o) => ({ unit: o.id, dimension: o.dimension, before: primary.get(key(o.id, j, o.dimension))!, after: o.score }));
      q.injection[j] = injectionEffect(pairs);
    }
  }
  if (judges.length >= 2) {
    q.pairwise_kappa = [];
    const ids = [...new Set(rows.map((r) => r.id))];
    for (let a = 0; a < judges.length; a++) {
      for (let b = a + 1; b < judges.length; b++) {
        for (const d of dims) {
          const both = ids.filter((id) => primary.has(key(id, judges[a]!, d)) && primary.has(key(id, judges[b]!, d)));
          q.pairwise_kappa.push({
            a: judges[a]!, b: judges[b]!, dimension: d, n: both.length, unit: 'completions',
            kappa: both.length ? kappaOrNull(both.map((id) => primary.get(key(id, judges[a]!, d))!), both.map((id) => primary.get(key(id, judges[b]!, d))!)) : null,
          });
        }
      }
    }
  }
  if (settings.calibration) q.calibration = settings.calibration;
  return q;
}
