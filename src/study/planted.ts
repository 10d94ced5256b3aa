/**
 * The method tested on a world whose truth is known. When every model of a run (the judge included)
 * is simulated and its planted population is known, the run can be scored against what was planted:
 * the number of dimensions, the partition of the planted value words (adjusted Rand index on the
 * planted words the taxonomy kept), the rank order of the models on each matched dimension
 * (projective profile means, and choice priorities when the stage ran), and a null check (random
 * tags run through the same model-level comparison as the real tags). It says what was recovered and
 * what was not, by stated criteria, and is labelled SIMULATED: it tests the method, not any model.
 *
 * The planted truth reaches this module through the run database: the composition root (the command
 * line, tests) hands `recordPlantedTruth` a resolver from a simulated model id to its population's
 * truth, since only it may load the simulator.
 */
import { adjustedRandIndex } from '../stats/cluster/ari.js';
import { correlationTest } from '../stats/effects.js';
import { rngFor, shuffleInPlace } from '../stats/rng.js';
import type { RunStore } from '../store/store.js';
import { compareTagGroups, type CompletionScore, type TaggedModel } from './stages/projective/analysis.js';
import { loadProjectiveScores } from './stages/projective/stage.js';
import { loadChoices } from './stages/choices/stage.js';
import { loadTaxonomy } from './stages/taxonomy/stage.js';
import { loadPlantedRecord } from './planted-record.js';

export { loadPlantedRecord, recordPlantedTruth, type PlantedRecord, type PlantedTruth, type PlantedTruthResolver } from './planted-record.js';

export interface RankRecovery {
  source: 'projective profiles' | 'choice priorities';
  planted: string;
  recovered: string;
  /** Spearman's rho across models of the planted trait and the measured score, with its p (t approximation). */
  rho: number | null;
  p: number | null;
  n: number;
  unit: 'models';
  recovered_rank: boolean;
}

export interface NullCheck {
  /** Random two-level tags assigned to the models from the seed (balanced halves). */
  tags: number;
  seed: number;
  alpha: number;
  correction: string;
  /** Comparisons with a p-value (random tag x dimension). */
  family_size: number;
  significant_raw: number;
  /** alpha x family size: the count a calibrated test gives on average; an exact permutation test gives at most this. */
  expected_raw: number;
  significant_adjusted: number;
  /** Smallest p the design allows (with few models it may exceed alpha: then nothing can be significant). */
  p_min: number | null;
  n_models: number;
  unit: 'models';
  note: string;
}

export interface PlantedVsRecovered {
  simulated: true;
  notice: string;
  seed: number;
  dimensions: { planted: number; recovered: number; match: boolean };
  words: {
    planted: number;
    /** Planted words the taxonomy kept on a dimension (the ARI is computed on these). */
    kept: number;
    /** Words on the taxonomy's dimensions that no planted dimension holds (background or noise words). */
    unplanted: number;
    ari: number | null;
  };
  /** Planted dimension -> taxonomy dimension by maximal word overlap (Hungarian, exhaustive over assignments). */
  matching: Array<{ planted: string; recovered: string | null; shared_words: number; planted_words: number }>;
  ranks: RankRecovery[];
  null_check?: NullCheck;
  criteria: string;
  verdict: { structure: 'recovered' | 'partly recovered' | 'not recovered'; profiles: 'recovered' | 'partly recovered' | 'not recovered' | 'not measured'; summary: string; not_recovered: string[] };
}

/** Best one-to-one assignment of rows to columns maximising the summed weight (exhaustive: a handful of dimensions). */
function bestAssignment(weights: readonly (readonly number[])[]): Array<number | null> {
  const rows = weights.length, cols = weights[0]?.length ?? 0;
  let best: Array<number | null> = Array.from({ length: rows }, () => null), bestScore = -1;
  const used = new Array<boolean>(cols).fill(false);
  const current: Array<number | null> = [];
  const walk = (r: number, score: number): void => {
    if (r === rows) {
      if (score > bestScore) { bestScore = score; best = [...current]; }
      return;
    }
    // Unassigned is allowed (more planted than recovered dimensions, or no shared word).
    current.push(null);
    walk(r + 1, score);
    current.pop();
    for (let c = 0; c < cols; c++) {
      if (used[c] || weights[r]![c]! <= 0) continue;
      used[c] = true;
      current.push(c);
      walk(r + 1, score + weights[r]![c]!);
      current.pop();
      used[c] = false;
    }
  };
  if (rows <= 8 && cols <= 8) walk(0, 0);
  else {
    // Greedy for larger systems (never reached by the drawn populations, 2-5 dimensions).
    const taken = new Set<number>();
    best = weights.map((w) => {
      let j: number | null = null;
      w.forEach((x, c) => { if (!taken.has(c) && x > 0 && (j === null || x > w[j]!)) j = c; });
      if (j !== null) taken.add(j);
      return j;
    });
  }
  return best;
}

/**
 * The null check: `tags` random two-level tags (each a seeded balanced split of the models) compared
 * on every dimension by the same model-level comparison as the real tags. Under this true null a
 * calibrated test is significant in about alpha of the comparisons (an exact permutation test, at most).
 */
export function nullTagCheck(scores: readonly CompletionScore[], models: readonly string[], dimensions: readonly string[], opts: { seed: number; alpha?: number; correction?: 'holm' | 'BH'; tags?: number }): NullCheck {
  const alpha = opts.alpha ?? 0.05, tags = opts.tags ?? 10, correction = opts.correction ?? 'holm';
  const scored = [...new Set(scores.map((s) => s.model))].filter((m) => models.includes(m)).sort();
  const tagged: TaggedModel[] = scored.map((name) => ({ name, tags: {} as Record<string, string> }));
  for (let t = 0; t < tags; t++) {
    const order = shuffleInPlace(rngFor('valuelex-null-tag', String(opts.seed), String(t)), [...scored]);
    const half = Math.floor(order.length / 2);
    order.forEach((name, i) => ((tagged.find((m) => m.name === name)!.tags as Record<string, string>)[`random-${String(t + 1).padStart(2, '0')}`] = i < half ? 'x' : 'y'));
  }
  const { family, comparisons } = compareTagGroups(scores, tagged, dimensions, { alpha, correction, seed: opts.seed, bootstrap: 0 });
  const tested = comparisons.filter((c) => c.p !== null);
  const raw = tested.filter((c) => c.p! <= alpha).length;
  const adjusted = tested.filter((c) => c.significant_adjusted === true).length;
  const pMin = tested.length ? Math.min(...tested.map((c) => c.p_min)) : null;
  const expected = alpha * family.family_size;
  const note =
    tested.length === 0
      ? `no comparison could be made (${scored.length} scored models)`
      : pMin !== null && pMin > alpha
        ? `with ${scored.length} models split in halves the smallest attainable p is ${pMin.toFixed(3)} > alpha ${alpha}: no comparison can be significant, so this check cannot show false positives, only that none are possible`
        : `${raw} of ${family.family_size} null comparisons had p <= ${alpha} (a calibrated test gives ${expected.toFixed(1)} on average, an exact permutation test at most that); ${adjusted} survived ${correction}`;
  return { tags, seed: opts.seed, alpha, correction, family_size: family.family_size, significant_raw: raw, expected_raw: expected, significant_adjusted: adjusted, p_min: pMin, n_models: scored.length, unit: 'models', note };
}

/** Thresholds of the verdicts, stated in the report. */
export const RECOVERY_CRITERIA = {
  /** Structure recovered: the planted number of dimensions and ARI at least this on the kept planted words (partly: ARI at least `ari_partly`). */
  ari: 0.8,
  ari_partly: 0.5,
  /** ... with at least this share of the planted words kept. */
  kept_share: 0.5,
  /** A dimension's model ranks recovered: rho > 0 with p below this. */
  rank_alpha: 0.05,
};

function rankRecovery(source: RankRecovery['source'], planted: string, recovered: string, pairs: Array<[number, number]>): RankRecovery {
  const n = pairs.length;
  const x = pairs.map((p) => p[0]), y = pairs.map((p) => p[1]);
  const constant = (v: number[]): boolean => v.every((a) => a === v[0]);
  if (n < 3 || constant(x) || constant(y)) return { source, planted, recovered, rho: null, p: null, n, unit: 'models', recovered_rank: false };
  const t = correlationTest(x, y, 'spearman');
  return { source, planted, recovered, rho: t.estimate, p: t.p, n, unit: 'models', recovered_rank: t.estimate > 0 && t.p < RECOVERY_CRITERIA.rank_alpha };
}

/** Planted vs recovered for a run with a recorded planted truth (see the module comment); undefined otherwise. */
export function plantedVsRecovered(store: RunStore): PlantedVsRecovered | undefined {
  const record = loadPlantedRecord(store);
  if (!record) return undefined;
  const truth = record.truth;
  const taxonomy = loadTaxonomy(store);
  // Without a taxonomy stage there is nothing recovered to hold against the planted structure.
  if (!taxonomy) return undefined;
  const top = taxonomy.status !== 'no-structure' ? taxonomy.system.dimensions.filter((d) => !d.parent) : [];
  const plantedOf = new Map<string, number>();
  truth.dimensions.forEach((d, i) => d.words.forEach((w) => plantedOf.set(w, i)));
  const recoveredOf = new Map<string, number>();
  top.forEach((d, j) => Object.keys(d.loadings).forEach((w) => { if (!recoveredOf.has(w)) recoveredOf.set(w, j); }));
  const kept = [...plantedOf.keys()].filter((w) => recoveredOf.has(w)).sort();
  const ari = kept.length >= 2 ? adjustedRandIndex(kept.map((w) => plantedOf.get(w)!), kept.map((w) => recoveredOf.get(w)!)) : null;
  const overlap = truth.dimensions.map((d) => top.map((_, j) => d.words.filter((w) => recoveredOf.get(w) === j).length));
  const assignment = top.length ? bestAssignment(overlap) : truth.dimensions.map(() => null);
  const matching = truth.dimensions.map((d, i) => ({ planted: d.id, recovered: assignment[i] === null ? null : top[assignment[i]!]!.id, shared_words: assignment[i] === null ? 0 : overlap[i]![assignment[i]!]!, planted_words: d.words.length }));

  const traitOf = (runModel: string, dim: string): number | undefined => {
    const name = record.models[runModel];
    return truth.models.find((m) => m.name === name)?.traits[dim];
  };
  const ranks: RankRecovery[] = [];
  const projective = loadProjectiveScores(store);
  const profileMeans = new Map<string, Map<string, number>>();
  if (projective) {
    const sums = new Map<string, { s: number; n: number }>();
    for (const s of projective.scores) {
      const k = `${s.model}\u0000${s.dimension}`;
      const a = sums.get(k) ?? { s: 0, n: 0 };
      a.s += s.value;
      a.n++;
      sums.set(k, a);
    }
    for (const [k, a] of sums) {
      const [model, dim] = k.split('\u0000') as [string, string];
      if (!profileMeans.has(dim)) profileMeans.set(dim, new Map());
      profileMeans.get(dim)!.set(model, a.s / a.n);
    }
  }
  const choices = loadChoices(store);
  for (const m of matching) {
    if (!m.recovered) continue;
    const means = profileMeans.get(m.recovered);
    if (means) ranks.push(rankRecovery('projective profiles', m.planted, m.recovered, [...means].flatMap(([model, v]) => { const t = traitOf(model, m.planted); return t === undefined ? [] : [[t, v] as [number, number]]; })));
    const prio = choices?.priorities.filter((p) => p.dimension === m.recovered) ?? [];
    if (prio.length) ranks.push(rankRecovery('choice priorities', m.planted, m.recovered, prio.flatMap((p) => { const t = traitOf(p.model, m.planted); return t === undefined || !Number.isFinite(p.log_strength) ? [] : [[t, p.log_strength] as [number, number]]; })));
  }

  const nullCheck = projective ? nullTagCheck(projective.scores, projective.models.map((m) => m.name), projective.dimensions, { seed: truth.seed, alpha: projective.alpha, correction: projective.correction }) : undefined;

  const C = RECOVERY_CRITERIA;
  const plantedWords = plantedOf.size;
  const keptShare = plantedWords ? kept.length / plantedWords : 0;
  const kMatch = top.length === truth.dimensions.length;
  const structure: PlantedVsRecovered['verdict']['structure'] =
    kMatch && ari !== null && ari >= C.ari && keptShare >= C.kept_share ? 'recovered' : ari !== null && ari >= C.ari_partly && keptShare >= C.kept_share ? 'partly recovered' : 'not recovered';
  const profileRanks = ranks.filter((r) => r.source === 'projective profiles');
  const okRanks = profileRanks.filter((r) => r.recovered_rank).length;
  const profiles: PlantedVsRecovered['verdict']['profiles'] = profileRanks.length === 0 ? 'not measured' : okRanks === truth.dimensions.length ? 'recovered' : okRanks > 0 ? 'partly recovered' : 'not recovered';
  const notRecovered: string[] = [];
  if (!kMatch) notRecovered.push(`the number of dimensions (${truth.dimensions.length} planted, ${top.length} found)`);
  if (ari === null) notRecovered.push(`the word partition (${kept.length} planted words kept: too few to compare)`);
  else if (ari < C.ari) notRecovered.push(`the word partition (ARI ${ari.toFixed(2)} on ${kept.length} kept planted words)`);
  if (keptShare < C.kept_share) notRecovered.push(`most planted words (${kept.length} of ${plantedWords} kept)`);
  for (const m of matching) if (!m.recovered) notRecovered.push(`planted dimension ${m.planted} (no taxonomy dimension shares its words)`);
  for (const r of ranks) if (!r.recovered_rank) notRecovered.push(`the model order on ${r.planted} by ${r.source} (rho ${r.rho === null ? 'n/a' : r.rho.toFixed(2)}, n = ${r.n} models${r.p === null ? '' : `, p = ${r.p.toFixed(3)}`})`);
  const summary = `SIMULATED self-test of the method (population seed ${truth.seed}; not evidence about any model): structure ${structure} (${truth.dimensions.length} dimensions planted, ${top.length} found; ARI ${ari === null ? 'n/a' : ari.toFixed(2)} on ${kept.length} of ${plantedWords} planted words); model order by projective profiles ${profiles}${profileRanks.length ? ` (${okRanks} of ${truth.dimensions.length} planted dimensions)` : ''}${nullCheck ? `; null check: ${nullCheck.significant_raw} of ${nullCheck.family_size} random-tag comparisons significant, ${nullCheck.expected_raw.toFixed(1)} expected at most` : ''}`;
  return {
    simulated: true,
    notice: truth.notice,
    seed: truth.seed,
    dimensions: { planted: truth.dimensions.length, recovered: top.length, match: kMatch },
    words: { planted: plantedWords, kept: kept.length, unplanted: [...recoveredOf.keys()].filter((w) => !plantedOf.has(w)).length, ari },
    matching,
    ranks,
    ...(nullCheck ? { null_check: nullCheck } : {}),
    criteria: `structure recovered: the planted number of dimensions and ARI >= ${C.ari} on the planted words the taxonomy kept, at least ${100 * C.kept_share}% of them kept (partly: ARI >= ${C.ari_partly}); a dimension's model order recovered: Spearman rho > 0 with p < ${C.rank_alpha} across models (profiles recovered: on every planted dimension)`,
    verdict: { structure, profiles, summary, not_recovered: notRecovered },
  };
}
