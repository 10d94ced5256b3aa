/**
 * Validation by held-out models (issue 19): a structure found in some models is only a finding
 * about language models if it holds for models not seen. The models are split into k folds; for
 * each fold the EFA is run on the other models' respondents and then checked on the held-out
 * models' respondents three ways:
 *  - ordinal CFA of the training structure by WLSMV (DWLS with the scaled-shifted test, lavaan's
 *    `cfa(..., ordered = TRUE)`): normal-theory ML on polychoric matrices gives wrong chi-square,
 *    CFI and RMSEA for such items;
 *  - Tucker congruence of the training loadings with an EFA of the held-out respondents;
 *  - alpha and omega of each dimension's training items on the held-out respondents: reliability
 *    on data not used to define the dimension, beside the in-sample values.
 * Pure: data in, plain results out.
 */
import { cfaWlsmv, type CfaWlsmvFit } from '../../../stats/cfa-wlsmv.js';
import { matchFactors } from '../../../stats/congruence.js';
import { fa } from '../../../stats/efa.js';
import { chiSquareSurvival } from '../../../stats/probability.js';
import { cronbachAlpha } from '../../../stats/reliability.js';
import { rngFor, shuffleInPlace } from '../../../stats/rng.js';
import { assignItems, correlate, dimensionOmega, type CorrelationKind } from './structure.js';

/** Ordinal CFA fit, as lavaan reports it with estimator WLSMV (scaled = robust). */
export interface OrdinalFit {
  n: number;
  items: number;
  factors: number;
  chisq: number;
  df: number;
  chisq_scaled: number;
  df_scaled: number;
  p_scaled: number | null;
  cfi_scaled: number;
  tli_scaled: number;
  rmsea_scaled: number;
  srmr: number;
}

export interface FoldResult {
  fold: number;
  held_out_models: string[];
  train_respondents: number;
  test_respondents: number;
  /** Per dimension of the full solution (by id): congruence of the training factor with the held-out EFA's matched factor. */
  congruence: Record<string, number>;
  /** Per dimension: congruence of the training factor with the full-data factor (how stable the definition is). */
  stability: Record<string, number>;
  fit: OrdinalFit | null;
  alpha: Record<string, number>;
  omega: Record<string, number>;
  error?: string;
}

export interface ModelValidation {
  method: 'k-fold over models';
  k: number;
  models: number;
  folds: FoldResult[];
  pooled: {
    /** Mean held-out congruence per dimension, and over all. */
    congruence: Record<string, number>;
    congruence_mean: number | null;
    congruence_min: number | null;
    /** Folds whose CFA ran; the summed scaled chi-square of independent held-out sets, and the mean indices. */
    cfa_folds: number;
    chisq_scaled: number | null;
    df_scaled: number | null;
    p_scaled: number | null;
    cfi_scaled: number | null;
    tli_scaled: number | null;
    rmsea_scaled: number | null;
    srmr: number | null;
    /** Out-of-sample reliability: mean over folds of alpha and omega on the held-out respondents. */
    alpha: Record<string, number>;
    omega: Record<string, number>;
  };
}

export interface ValidationInput {
  data: (number | null)[][];
  terms: readonly string[];
  /** The model of each row. */
  rowModels: readonly string[];
  /** Full-data loadings (terms x factors) and the id of each factor. */
  loadings: readonly (readonly number[])[];
  dimensionIds: readonly string[];
  cor: CorrelationKind;
  fm: 'minres' | 'ml' | 'pa';
  rotate: 'none' | 'varimax' | 'promax' | 'oblimin' | 'quartimin' | 'geomin';
  threshold: number;
  folds: number;
  seed: number;
  /** Ordinal items (integer categories): the CFA is WLSMV; otherwise it is skipped. */
  ordinal: boolean;
}

/** Models split into k folds of at least two models each; null with the reason when there are too few models. */
export function modelFolds(models: readonly string[], k: number, seed: number): string[][] | string {
  const distinct = [...new Set(models)].sort();
  const kk = Math.min(k, Math.floor(distinct.length / 2));
  if (kk < 2) return `validation over held-out models needs at least 4 models (2 per fold); this run has ${distinct.length}`;
  const order = shuffleInPlace(rngFor(String(seed), 'taxonomy-folds'), distinct);
  return Array.from({ length: kk }, (_, f) => order.filter((_, i) => i % kk === f).sort());
}

function fitRecord(fit: CfaWlsmvFit, n: number, items: number, factors: number): OrdinalFit {
  return {
    n, items, factors,
    chisq: fit.chisq, df: fit.df, chisq_scaled: fit.chisqScaled, df_scaled: fit.dfScaled, p_scaled: fit.pvalueScaled,
    cfi_scaled: fit.cfiScaled, tli_scaled: fit.tliScaled, rmsea_scaled: fit.rmseaScaled, srmr: fit.srmr,
  };
}

/**
 * Items per factor a CFA uses: the strongest ones. WLSMV's weight matrix grows with the square of
 * the number of correlations (p^4), so a paper-sized lexicon of 200 terms cannot be fitted whole;
 * the strongest indicators of each factor test the structure as well.
 */
export const CFA_ITEMS_PER_FACTOR = 8;

/**
 * WLSMV CFA of `groups` (item indices per factor, strongest first; the first
 * CFA_ITEMS_PER_FACTOR of each are used) on `data`; items without variation in these rows are
 * left out, and factors left with too few items to be identified are dropped.
 */
export function ordinalCfa(data: (number | null)[][], terms: readonly string[], groups: readonly (readonly number[])[]): OrdinalFit {
  const varies = (j: number): boolean => new Set(data.map((row) => row[j]).filter((v) => v !== null)).size >= 2;
  let factors = groups.map((items) => items.filter(varies).slice(0, CFA_ITEMS_PER_FACTOR)).filter((items) => items.length >= 2);
  if (factors.length === 1 && factors[0]!.length < 3) factors = [];
  if (factors.length === 0) throw new Error('no factor keeps enough varying items to be identified in these respondents');
  const used = factors.flat();
  const col = new Map(used.map((j, c) => [j, c]));
  const sub = data.map((row) => used.map((j) => row[j]!));
  const res = cfaWlsmv(sub, { factors: factors.map((items, k) => ({ name: `F${k + 1}`, items: items.map((j) => col.get(j)!) })), itemNames: used.map((j) => terms[j]!) });
  return fitRecord(res.fit, res.nObs, used.length, factors.length);
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);

export function validateByModels(input: ValidationInput): ModelValidation | string {
  const folds = modelFolds(input.rowModels, input.folds, input.seed);
  if (typeof folds === 'string') return folds;
  const nf = input.loadings[0]?.length ?? 0;
  if (nf === 0) return 'no factors to validate';
  const results: FoldResult[] = folds.map((held, f) => {
    const heldSet = new Set(held);
    const trainRows = input.data.filter((_, i) => !heldSet.has(input.rowModels[i]!));
    const testRows = input.data.filter((_, i) => heldSet.has(input.rowModels[i]!));
    const out: FoldResult = { fold: f + 1, held_out_models: held, train_respondents: trainRows.length, test_respondents: testRows.length, congruence: {}, stability: {}, fit: null, alpha: {}, omega: {} };
    try {
      // Columns that vary in both parts (a term no held-out model ever named has no correlation there).
      const cols = input.terms.map((_, j) => j).filter((j) => [trainRows, testRows].every((rows) => new Set(rows.map((r) => r[j]).filter((v) => v !== null)).size >= 2));
      if (cols.length <= nf) throw new Error(`only ${cols.length} terms vary in both the training and the held-out respondents`);
      const pick = (rows: (number | null)[][]): (number | null)[][] => rows.map((r) => cols.map((j) => r[j]!));
      const train = pick(trainRows);
      const test = pick(testRows);
      const terms = cols.map((j) => input.terms[j]!);
      const rTrain = correlate(input.cor, train);
      const efaTrain = fa(rTrain, { nfactors: nf, fm: input.fm, rotate: input.rotate, nObs: train.length });
      // Which full-data dimension each training factor is.
      const full = cols.map((j) => [...input.loadings[j]!]);
      const toFull = matchFactors(efaTrain.loadings, full);
      const idOf = (k: number): string | undefined => (toFull.match[k]! >= 0 ? input.dimensionIds[toFull.match[k]!] : undefined);
      efaTrain.loadings[0]!.forEach((_, k) => {
        const id = idOf(k);
        if (id) out.stability[id] = toFull.congruence[k]!;
      });
      // Signs as the full solution defines them.
      const signed = efaTrain.loadings.map((row) => row.map((v, k) => v * toFull.sign[k]!));
      const groups = assignItems(signed, nf, input.threshold).map((items, k) => [...items].sort((a, b) => Math.abs(signed[b]![k]!) - Math.abs(signed[a]![k]!)));
      const rTest = correlate(input.cor, test);
      try {
        const efaTest = fa(rTest, { nfactors: nf, fm: input.fm, rotate: input.rotate, nObs: test.length });
        const m = matchFactors(signed, efaTest.loadings);
        signed[0]!.forEach((_, k) => {
          const id = idOf(k);
          if (id && m.match[k]! >= 0) out.congruence[id] = m.congruence[k]!;
        });
      } catch (e) {
        out.error = `held-out EFA: ${(e as Error).message}`;
      }
      groups.forEach((items, k) => {
        const id = idOf(k);
        if (!id || items.length < 2) return;
        const keys = items.map((i) => (signed[i]![k]! < 0 ? -1 : 1));
        try {
          out.alpha[id] = cronbachAlpha(test.map((row) => items.map((i) => row[i]!)), { keys }).total.rawAlpha;
        } catch {
          // An item constant among the held-out respondents: no alpha for this fold.
        }
        try {
          const w = dimensionOmega(rTest, items);
          if (w !== null) out.omega[id] = w;
        } catch {
          // As above.
        }
      });
      if (input.ordinal) {
        try {
          out.fit = ordinalCfa(test, terms, groups.filter((g) => g.length > 0));
        } catch (e) {
          out.error = [out.error, `held-out CFA: ${(e as Error).message}`].filter(Boolean).join('; ');
        }
      }
    } catch (e) {
      out.error = (e as Error).message;
    }
    return out;
  });
  const ids = [...input.dimensionIds];
  const perDim = (pick: (r: FoldResult) => Record<string, number>): Record<string, number> =>
    Object.fromEntries(ids.map((id) => [id, mean(results.map(pick).map((x) => x[id]).filter((v): v is number => v !== undefined && Number.isFinite(v)))]).filter((e): e is [string, number] => e[1] !== null));
  const congruence = perDim((r) => r.congruence);
  const all = results.flatMap((r) => Object.values(r.congruence));
  const fits = results.map((r) => r.fit).filter((f): f is OrdinalFit => f !== null);
  const chisq = fits.length > 0 ? fits.reduce((s, f) => s + f.chisq_scaled, 0) : null;
  const df = fits.length > 0 ? fits.reduce((s, f) => s + f.df_scaled, 0) : null;
  return {
    method: 'k-fold over models',
    k: folds.length,
    models: new Set(input.rowModels).size,
    folds: results,
    pooled: {
      congruence,
      congruence_mean: mean(all),
      congruence_min: all.length > 0 ? Math.min(...all) : null,
      cfa_folds: fits.length,
      chisq_scaled: chisq,
      df_scaled: df,
      p_scaled: chisq !== null && df !== null && df > 0 ? chiSquareSurvival(chisq, df) : null,
      cfi_scaled: mean(fits.map((f) => f.cfi_scaled)),
      tli_scaled: mean(fits.map((f) => f.tli_scaled)),
      rmsea_scaled: mean(fits.map((f) => f.rmsea_scaled)),
      srmr: mean(fits.map((f) => f.srmr)),
      alpha: perDim((r) => r.alpha),
      omega: perDim((r) => r.omega),
    },
  };
}

