/**
 * What the choices stage concludes from the answers, with the model as the unit of inference and
 * the dilemma as the unit of resampling within a model.
 *
 * Comparisons (Bradley-Terry). A dilemma is asked in both option orders (per framing and sample).
 * The pair of answers is one comparison between the dilemma's two values: the same value preferred
 * in both orders is a win for it; different values (the answer followed the position, not the
 * content) is a tie, Davidson's "no preference shown". A pair with an order missing is left out
 * (counted as incomplete), so every comparison is counterbalanced and a position bias cannot
 * favour the value that happens to be listed first. Ratings: centred log-strengths by (penalized)
 * maximum likelihood, with percentile intervals from a bootstrap over dilemmas.
 *
 * Position bias. Within a framing, the two orders of a dilemma either name the same letter twice
 * (first-first or second-second: the position decided) or follow the content. Without a position
 * bias, first-first and second-second are equally likely whatever the model prefers, so the test is
 * a sign-flip permutation test of their per-dilemma difference; the share of first-position answers
 * is reported with a bootstrap interval over dilemmas.
 *
 * Framing consistency. `consistent` is the share of (dilemma, order, sample) whose act and reject
 * answers prefer the same value. A model that chooses at random between close values is not fully
 * consistent even with no framing effect, so the reference is `order_agreement`, the share of
 * (dilemma, framing, sample) whose two orders prefer the same value: with no framing effect the two
 * have the same expectation whatever the model's preferences and position bias (swapping the
 * act-BA and reject-AB answers, which are equally distributed, exchanges them), and the sign-flip
 * test of their per-dilemma difference is exact. `framing_effect` = consistent - order_agreement.
 * Per value pair the unit is the model: each model's difference on the pair's dilemmas, sign-flipped
 * across models.
 *
 * Intransitivity. Each pair of values decided by the majority of its comparisons; the share of
 * circular triads among triads with three decided pairs (0.25 when choosing at random), with a
 * Monte Carlo p-value for "fewer than chance".
 */
import { bootstrapCI } from '../../../stats/bootstrap.js';
import { bootstrapBradleyTerry, type GroupedComparison, type PairOutcome } from '../../../stats/bradley-terry.js';
import { circularTriads } from '../../../stats/circular-triads.js';
import { pairedPermutationTest } from '../../../stats/effects.js';
import { StatsInputError } from '../../../stats/input-error.js';
import { pAdjust } from '../../../stats/multiple.js';
import type { Framing, Letter, OptionOrder } from './prompts.js';

/** One answer joined with its dilemma's values. */
export interface ChoiceRecord {
  model: string;
  dilemma: string;
  value_a: string;
  value_b: string;
  framing: Framing;
  order: OptionOrder;
  sample: number;
  /** null: missing after the re-ask. */
  letter: Letter | null;
  /** The value preferred after recoding the framing (null when missing). */
  preferred: string | null;
  attempts: number;
}

export interface AnalysisOptions {
  /** Value ids in the value system's order (Bradley-Terry items). */
  values: readonly string[];
  /** Models in report order. */
  models: readonly string[];
  ridge: number;
  resamples: number;
  seed: number;
  level?: number;
  /** Sign-flip draws for the position-bias and framing tests (default 9999). */
  permutations?: number;
}

export interface PriorityRow {
  model: string;
  dimension: string;
  /** Centred log-strength (sum zero over the model's compared values). */
  log_strength: number;
  se: number;
  /** Percentile bootstrap interval over dilemmas. */
  ci_low: number;
  ci_high: number;
  /** Share of the total worth, exp(θ) / Σ exp(θ). */
  worth: number;
  /** 1 = highest priority. */
  rank: number;
  wins: number;
  losses: number;
  ties: number;
}

export interface PriorityFit {
  model: string;
  comparisons: number;
  ties: number;
  /** Answer pairs left out because one order was missing. */
  incomplete: number;
  dilemmas: number;
  /** Davidson's tie parameter (0 when no tie was observed). */
  nu: number | null;
  ridge: number;
  converged: boolean | null;
  resamples: number;
  failed_resamples: number;
  /** Why no priorities could be estimated (too few comparisons, one value never compared...). */
  error?: string;
}

export interface ConsistencyRow {
  /** Share of act/reject answer pairs (same dilemma, order, sample) preferring the same value. */
  consistent: number | null;
  pairs: number;
  ci_low: number | null;
  ci_high: number | null;
  /** Share of answer pairs of the two orders (same dilemma, framing, sample) preferring the same value. */
  order_agreement: number | null;
  order_pairs: number;
  /** consistent - order_agreement: below 0 when the framing changes the answers. */
  framing_effect: number | null;
  /** Dilemmas with answers. */
  dilemmas: number;
  p: number | null;
  p_holm: number | null;
}

export interface ModelConsistency extends ConsistencyRow {
  model: string;
}

export interface PairConsistency extends ConsistencyRow {
  pair: string;
  value_a: string;
  value_b: string;
  /** Models contributing (the unit of the test). */
  models: number;
}

export interface PositionBiasRow {
  model: string;
  /** Answers with a letter, and how many named the first-listed option. */
  answers: number;
  first: number;
  share_first: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** Pairs of orders (same dilemma, framing, sample): the same letter twice, or the content followed. */
  both_first: number;
  both_second: number;
  by_content: number;
  /** (both_first - both_second) / pairs: the share of answer pairs the first position decided, net. */
  index: number | null;
  dilemmas: number;
  p: number | null;
  p_holm: number | null;
}

export interface IntransitivityRow {
  model: string;
  values: number;
  decided_triads: number;
  circular: number;
  /** circular / decided triads (null when no triad is decided). */
  share: number | null;
  random_share: number;
  /** Kendall's consistency coefficient (complete tournaments only). */
  zeta: number | null;
  /** Monte Carlo P(a random orientation of the decided pairs has at most this many circular triads). */
  p: number | null;
}

export interface AnswerCounts {
  model: string;
  asked: number;
  answered: number;
  missing: number;
  /** Answers that needed the re-ask. */
  reasked: number;
}

export interface ChoicesAnalysis {
  priorities: PriorityRow[];
  fits: PriorityFit[];
  consistency: { per_model: ModelConsistency[]; per_pair: PairConsistency[] } | null;
  position_bias: PositionBiasRow[];
  intransitivity: IntransitivityRow[];
  answers: AnswerCounts[];
}

const key = (...parts: Array<string | number>): string => parts.join('\u0000');

function groupBy<T>(rows: readonly T[], by: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = by(r);
    const g = m.get(k);
    if (g) g.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** Pairs of answers to one dilemma that differ only in `what` (order or framing), per the rest of the design. */
function pairsAcross(records: readonly ChoiceRecord[], what: 'order' | 'framing'): Array<[ChoiceRecord, ChoiceRecord]> {
  const out: Array<[ChoiceRecord, ChoiceRecord]> = [];
  const groups = groupBy(records, (r) => (what === 'order' ? key(r.dilemma, r.framing, r.sample) : key(r.dilemma, r.order, r.sample)));
  for (const g of groups.values()) {
    const first = g.find((r) => (what === 'order' ? r.order === 'ab' : r.framing === 'act'));
    const second = g.find((r) => (what === 'order' ? r.order === 'ba' : r.framing === 'reject'));
    if (first && second) out.push([first, second]);
  }
  return out;
}

/** Ratio of sums with a percentile bootstrap over clusters (dilemmas, or models). */
function clusteredShare(units: ReadonlyArray<{ num: number; den: number }>, opts: { resamples: number; seed: number; level: number }): { share: number | null; lower: number | null; upper: number | null } {
  const den = units.reduce((s, u) => s + u.den, 0);
  if (den === 0) return { share: null, lower: null, upper: null };
  const share = units.reduce((s, u) => s + u.num, 0) / den;
  if (units.length < 2) return { share, lower: null, upper: null };
  const ratio = (xs: ReadonlyArray<{ num: number; den: number }>): number => {
    const d = xs.reduce((s, u) => s + u.den, 0);
    return d === 0 ? share : xs.reduce((s, u) => s + u.num, 0) / d;
  };
  const ci = bootstrapCI(units, ratio, { iterations: Math.max(200, Math.min(opts.resamples, 2000)), seed: opts.seed, level: opts.level });
  return { share, lower: ci.lower, upper: ci.upper };
}

/** Sign-flip test of the mean difference x - y (two-sided); null when every difference is 0 or fewer than 2 units. */
function signFlip(x: readonly number[], y: readonly number[], permutations: number, seed: number): number | null {
  if (x.length < 2) return null;
  if (x.every((v, i) => v === y[i])) return 1;
  return pairedPermutationTest(x, y, { iterations: permutations, seed }).p;
}

function holm<T extends { p: number | null; p_holm: number | null }>(rows: T[]): void {
  const idx = rows.map((r, i) => (r.p === null ? -1 : i)).filter((i) => i >= 0);
  if (idx.length === 0) return;
  const adjusted = pAdjust(idx.map((i) => rows[i]!.p!), 'holm');
  idx.forEach((i, k) => (rows[i]!.p_holm = adjusted[k]!));
}

/** The Bradley-Terry comparisons of one model's answers (see the module comment). */
export function comparisonsOf(records: readonly ChoiceRecord[], values: readonly string[]): { comparisons: GroupedComparison[]; incomplete: number } {
  const index = new Map(values.map((v, i) => [v, i]));
  const comparisons: GroupedComparison[] = [];
  let incomplete = 0;
  const groups = groupBy(records, (r) => key(r.dilemma, r.framing, r.sample));
  for (const g of groups.values()) {
    const ab = g.find((r) => r.order === 'ab')?.preferred ?? null;
    const ba = g.find((r) => r.order === 'ba')?.preferred ?? null;
    if (ab === null || ba === null) {
      if (ab !== null || ba !== null) incomplete++;
      continue;
    }
    const r = g[0]!;
    const i = index.get(r.value_a), j = index.get(r.value_b);
    if (i === undefined || j === undefined) continue;
    const outcome: PairOutcome = ab !== ba ? 'tie' : ab === r.value_a ? 'i' : 'j';
    comparisons.push({ i, j, outcome, unit: r.dilemma });
  }
  return { comparisons, incomplete };
}

export function analyseChoices(records: readonly ChoiceRecord[], opts: AnalysisOptions): ChoicesAnalysis {
  const level = opts.level ?? 0.95;
  const permutations = opts.permutations ?? 9999;
  const byModel = groupBy(records, (r) => r.model);
  const models = opts.models.filter((m) => byModel.has(m));
  const priorities: PriorityRow[] = [];
  const fits: PriorityFit[] = [];
  const position: PositionBiasRow[] = [];
  const intransitivity: IntransitivityRow[] = [];
  const perModelConsistency: ModelConsistency[] = [];
  const answers: AnswerCounts[] = [];
  const bothFramings = records.some((r) => r.framing === 'act') && records.some((r) => r.framing === 'reject');

  models.forEach((model, mi) => {
    const rs = byModel.get(model)!;
    const seed = opts.seed * 7919 + mi;
    answers.push({ model, asked: rs.length, answered: rs.filter((r) => r.letter !== null).length, missing: rs.filter((r) => r.letter === null).length, reasked: rs.filter((r) => r.attempts > 1).length });

    // Priorities.
    const { comparisons, incomplete } = comparisonsOf(rs, opts.values);
    const dilemmas = new Set(comparisons.map((c) => c.unit)).size;
    const fit: PriorityFit = { model, comparisons: comparisons.length, ties: comparisons.filter((c) => c.outcome === 'tie').length, incomplete, dilemmas, nu: null, ridge: opts.ridge, converged: null, resamples: 0, failed_resamples: 0 };
    try {
      const bt = bootstrapBradleyTerry(comparisons, { items: opts.values.length, ridge: opts.ridge, resamples: opts.resamples, seed, level });
      fit.nu = bt.fit.nu;
      fit.converged = bt.fit.converged;
      fit.resamples = bt.resamples;
      fit.failed_resamples = bt.failed;
      const order = opts.values.map((_, i) => i).filter((i) => bt.fit.estimable[i]).sort((a, b) => bt.fit.logStrength[b]! - bt.fit.logStrength[a]!);
      for (const i of order) {
        const ci = bt.logStrength[i]!;
        priorities.push({
          model,
          dimension: opts.values[i]!,
          log_strength: bt.fit.logStrength[i]!,
          se: bt.fit.se[i]!,
          ci_low: ci.lower,
          ci_high: ci.upper,
          worth: bt.fit.worth[i]!,
          rank: order.indexOf(i) + 1,
          wins: bt.fit.counts.wins[i]!,
          losses: bt.fit.counts.losses[i]!,
          ties: bt.fit.counts.itemTies[i]!,
        });
      }
      const missingValues = opts.values.filter((_, i) => !bt.fit.estimable[i]);
      if (missingValues.length > 0) fit.error = `never compared: ${missingValues.join(', ')}`;
    } catch (e) {
      if (!(e instanceof StatsInputError)) throw e;
      fit.error = e.message;
    }
    fits.push(fit);

    // Intransitivity.
    if (opts.values.length >= 3 && comparisons.length > 0) {
      const ct = circularTriads(comparisons, { items: opts.values.length, permutations: 2000, seed });
      intransitivity.push({ model, values: opts.values.length, decided_triads: ct.triads.decided, circular: ct.triads.circular, share: ct.share, random_share: ct.randomShare, zeta: ct.zeta, p: ct.p });
    }

    // Position bias.
    const lettered = rs.filter((r) => r.letter !== null);
    const orderPairs = pairsAcross(lettered, 'order');
    const perDilemma = new Map<string, { first: number; second: number; num: number; den: number }>();
    for (const r of lettered) {
      const d = perDilemma.get(r.dilemma) ?? { first: 0, second: 0, num: 0, den: 0 };
      d.num += r.letter === 'A' ? 1 : 0;
      d.den++;
      perDilemma.set(r.dilemma, d);
    }
    let bothFirst = 0, bothSecond = 0;
    for (const [x, y] of orderPairs) {
      if (x.letter === 'A' && y.letter === 'A') {
        bothFirst++;
        perDilemma.get(x.dilemma)!.first++;
      } else if (x.letter === 'B' && y.letter === 'B') {
        bothSecond++;
        perDilemma.get(x.dilemma)!.second++;
      }
    }
    const units = [...perDilemma.values()];
    const share = clusteredShare(units, { resamples: opts.resamples, seed, level });
    position.push({
      model,
      answers: lettered.length,
      first: lettered.filter((r) => r.letter === 'A').length,
      share_first: share.share,
      ci_low: share.lower,
      ci_high: share.upper,
      both_first: bothFirst,
      both_second: bothSecond,
      by_content: orderPairs.length - bothFirst - bothSecond,
      index: orderPairs.length > 0 ? (bothFirst - bothSecond) / orderPairs.length : null,
      dilemmas: units.length,
      p: signFlip(units.map((u) => u.first), units.map((u) => u.second), permutations, seed),
      p_holm: null,
    });

    // Framing consistency.
    if (bothFramings) perModelConsistency.push({ model, ...consistencyOf(rs, (r) => r.dilemma, { resamples: opts.resamples, seed, level, permutations }) });
  });
  holm(position);
  holm(perModelConsistency);

  let consistency: ChoicesAnalysis['consistency'] = null;
  if (bothFramings) {
    const perPair: PairConsistency[] = [];
    const byPair = groupBy(records.filter((r) => byModel.has(r.model)), (r) => key(r.value_a, r.value_b));
    const pairKeys = [...byPair.keys()].sort((a, b) => {
      const [a1, a2] = a.split('\u0000'), [b1, b2] = b.split('\u0000');
      return opts.values.indexOf(a1!) - opts.values.indexOf(b1!) || opts.values.indexOf(a2!) - opts.values.indexOf(b2!);
    });
    pairKeys.forEach((k, pi) => {
      const rs = byPair.get(k)!;
      const [value_a, value_b] = k.split('\u0000') as [string, string];
      const row = consistencyOf(rs, (r) => r.model, { resamples: opts.resamples, seed: opts.seed * 104_729 + pi, level, permutations });
      perPair.push({ pair: `${value_a}~${value_b}`, value_a, value_b, models: new Set(rs.map((r) => r.model)).size, ...row });
    });
    holm(perPair);
    consistency = { per_model: perModelConsistency, per_pair: perPair };
  }
  return { priorities, fits, consistency, position_bias: position, intransitivity, answers };
}

/**
 * Consistency of a set of answers, with `unitOf` naming the unit that is resampled and sign-flipped
 * (the dilemma within a model, the model within a value pair).
 */
function consistencyOf(records: readonly ChoiceRecord[], unitOf: (r: ChoiceRecord) => string, opts: { resamples: number; seed: number; level: number; permutations: number }): ConsistencyRow {
  const answered = records.filter((r) => r.preferred !== null);
  // Pairs are formed within a model (a dilemma is asked of every model).
  const byModel = groupBy(answered, (r) => r.model);
  const frame = [...byModel.values()].flatMap((rs) => pairsAcross(rs, 'framing'));
  const order = [...byModel.values()].flatMap((rs) => pairsAcross(rs, 'order'));
  const units = new Map<string, { fNum: number; fDen: number; oNum: number; oDen: number }>();
  const at = (u: string): { fNum: number; fDen: number; oNum: number; oDen: number } => {
    let x = units.get(u);
    if (!x) units.set(u, (x = { fNum: 0, fDen: 0, oNum: 0, oDen: 0 }));
    return x;
  };
  for (const [a, b] of frame) {
    const u = at(unitOf(a));
    u.fDen++;
    if (a.preferred === b.preferred) u.fNum++;
  }
  for (const [a, b] of order) {
    const u = at(unitOf(a));
    u.oDen++;
    if (a.preferred === b.preferred) u.oNum++;
  }
  const list = [...units.values()];
  const share = clusteredShare(list.map((u) => ({ num: u.fNum, den: u.fDen })), opts);
  const oDen = order.length;
  const orderAgreement = oDen > 0 ? order.filter(([a, b]) => a.preferred === b.preferred).length / oDen : null;
  const both = list.filter((u) => u.fDen > 0 && u.oDen > 0);
  return {
    consistent: share.share,
    pairs: frame.length,
    ci_low: share.lower,
    ci_high: share.upper,
    order_agreement: orderAgreement,
    order_pairs: oDen,
    framing_effect: share.share !== null && orderAgreement !== null ? share.share - orderAgreement : null,
    dilemmas: new Set(answered.map((r) => r.dilemma)).size,
    p: signFlip(both.map((u) => u.fNum / u.fDen), both.map((u) => u.oNum / u.oDen), opts.permutations, opts.seed),
    p_holm: null,
  };
}
