/**
 * Variance components of scores in a crossed models x items design with repeated samples:
 *
 *   y = mu + a_model + b_item + c_model:item + e,   a ~ N(0, s2_model), b ~ N(0, s2_item),
 *   c ~ N(0, s2_interaction), e ~ N(0, s2_residual),
 *
 * fitted by REML exactly as lme4's `lmer(y ~ 1 + (1|model) + (1|item) + (1|model:item), REML = TRUE)`:
 * the profiled REML criterion of Bates, Maechler, Bolker & Walker (2015, J. Stat. Softw. 67(1), eq. 41),
 *
 *   d_R(theta) = log|L|^2 + log|R_X|^2 + (n - p) [1 + log(2 pi r^2(theta) / (n - p))],
 *
 * with relative covariance factor Lambda = diag(theta_interaction I, theta_model I, theta_item I),
 * L L' = Lambda Z'Z Lambda + I, r^2 the penalized residual sum of squares and p = 1 (the intercept),
 * minimized over theta >= 0 (bounded Nelder-Mead with restarts). Then s2_residual = r^2 / (n - p) and
 * each other component is theta^2 s2_residual, as in lme4.
 *
 * Instead of a sparse Cholesky factor, the structure of this design is used: Lambda Z'Z Lambda + I has a
 * diagonal cell block and, once the cells are eliminated, diagonal model and item blocks coupled only
 * through model x item counts. Eliminating the cells, then the larger of models and items, leaves a dense
 * system the size of the smaller factor, so one evaluation costs O(cells + min(M, I)^2 max(M, I)).
 *
 * Identifiability is checked, not assumed. With at most one sample per model x item cell the interaction
 * and the residual are confounded; lme4 refuses the full formula ("number of levels of each grouping factor
 * must be < number of observations"). This function then fits the model without the interaction term
 * (what lme4 fits with `(1|model) + (1|item)`), reports `interaction: null` and says that `residual` holds
 * interaction + residual. Likewise when every item is answered by one model only (items nested in models),
 * the item and interaction variances are confounded and are reported together as `item` (and the model
 * and interaction variances when every model answered one item only).
 *
 * Difference from lme4 to know about: where the optimum is on the boundary (a component of 0), this
 * optimizer lands on it, while lme4's nloptwrap sometimes stops at theta ~ 1e-3; `singular` can then be
 * true where lme4's isSingular() is false, with components that differ by less than 1e-4.
 */
import { StatsInputError } from './input-error.js';
import { nelderMead } from './nelder-mead.js';

/** One score: model `model` answering item `item` (one of possibly several samples). */
export interface ModelItemScore {
  model: string;
  item: string;
  /** Sample index or id; not needed by the fit (repeated records of a cell are its samples). */
  sample?: number | string;
  value: number;
}

export interface VarianceComponentsOptions {
  /** Items per model for the generalizability coefficient (default: harmonic mean over models of items answered). */
  nItems?: number;
  /** Samples per model x item cell for the generalizability coefficient (default: harmonic mean over answered cells). */
  nSamples?: number;
}

export interface VarianceComponentEstimates {
  model: number;
  item: number;
  /** null when the interaction is not identifiable in this design (see `confounded`). */
  interaction: number | null;
  residual: number;
}

export interface VarianceComponentsResult {
  /** What the components describe: variance of single scores. */
  unit: 'scores';
  n_obs: number;
  n_models: number;
  n_items: number;
  /** Model x item cells with at least one score. */
  n_cells: number;
  /** REML estimates of the variances (lme4's VarCorr, squared). */
  components: VarianceComponentEstimates;
  /** Each component / the sum of the identifiable components. */
  proportions: VarianceComponentEstimates;
  /** Fixed intercept (grand mean under the model) and its standard error (lme4's vcov). */
  intercept: { estimate: number; se: number };
  /**
   * Single-score intraclass correlation between models: s2_model / total. The share of one score's
   * variance that is due to which model produced it.
   */
  icc_model: number;
  /**
   * Generalizability (G) coefficient of a model's mean score over `g_design.n_items` items and
   * `g_design.n_samples` samples, for comparing models on the same items (relative decisions):
   * s2_model / (s2_model + s2_interaction / n_i + s2_residual / (n_i n_s)). It is the reliability of a
   * profile score: near 0, the instrument does not separate models. null when it cannot be computed
   * in this design (see `notes`).
   */
  g_coefficient: number | null;
  /** Dependability (Phi) of a model's mean for absolute decisions: adds s2_item / n_i to the error. */
  phi_coefficient: number | null;
  g_design: { n_items: number; n_samples: number };
  /**
   * Set when the interaction is not identifiable: `with` names the component that holds it.
   */
  confounded: { component: 'interaction'; with: 'residual' | 'item' | 'model'; reason: string } | null;
  /** As lme4's isSingular: some relative standard deviation theta is below 1e-4 (a component at 0). */
  singular: boolean;
  /** REML criterion at the optimum (lme4's REMLcrit). */
  reml_criterion: number;
  /** Relative standard deviations (sigma_component / sigma_residual): model, item, interaction (0 when dropped). */
  theta: { model: number; item: number; interaction: number };
  /** Conditional modes (BLUPs) of the model effects: a model's shrunken deviation from the intercept. */
  model_effects: { model: string; value: number }[];
  evaluations: number;
  converged: boolean;
  notes: string[];
}

interface Design {
  n: number;
  yy: number;
  ySum: number;
  models: string[];
  items: string[];
  /** Per cell: model index, item index, count, sum. */
  cellModel: Int32Array;
  cellItem: Int32Array;
  cellN: Float64Array;
  cellSum: Float64Array;
}

function buildDesign(scores: readonly ModelItemScore[]): Design {
  if (scores.length === 0) throw new StatsInputError('variance components need scores');
  const modelIndex = new Map<string, number>(), itemIndex = new Map<string, number>();
  const cellIndex = new Map<number, number>();
  const cm: number[] = [], ci: number[] = [], cn: number[] = [], cs: number[] = [];
  let yy = 0, ySum = 0;
  scores.forEach((s, r) => {
    if (!Number.isFinite(s.value)) throw new StatsInputError(`score ${r} (model ${s.model}, item ${s.item}) is not a finite number (${s.value})`);
    let m = modelIndex.get(s.model);
    if (m === undefined) { m = modelIndex.size; modelIndex.set(s.model, m); }
    let i = itemIndex.get(s.item);
    if (i === undefined) { i = itemIndex.size; itemIndex.set(s.item, i); }
    // Cell keys are built after both indices exist; 2^20 items is far above any item bank.
    const key = m * 1_048_576 + i;
    let c = cellIndex.get(key);
    if (c === undefined) { c = cm.length; cellIndex.set(key, c); cm.push(m); ci.push(i); cn.push(0); cs.push(0); }
    cn[c]! += 1;
    cs[c]! += s.value;
    yy += s.value * s.value;
    ySum += s.value;
  });
  if (modelIndex.size < 2) throw new StatsInputError(`variance components need at least 2 models, got ${modelIndex.size}`);
  if (itemIndex.size < 2) throw new StatsInputError(`variance components need at least 2 items, got ${itemIndex.size}`);
  if (scores.every((s) => s.value === scores[0]!.value)) throw new StatsInputError('variance components are undefined: all scores equal');
  return {
    n: scores.length, yy, ySum, models: [...modelIndex.keys()], items: [...itemIndex.keys()],
    cellModel: Int32Array.from(cm), cellItem: Int32Array.from(ci), cellN: Float64Array.from(cn), cellSum: Float64Array.from(cs),
  };
}

/** Evaluation of the profiled REML criterion at one theta, with what the estimates need. */
interface Profile {
  deviance: number;
  beta: number;
  sigma2: number;
  /** R_X' R_X (a scalar: one fixed effect). */
  rx2: number;
  /** Spherical random effects of the model factor at the optimum beta. */
  uModel: Float64Array;
}

/**
 * The block-eliminating evaluator. "Dense" is the smaller of models and items (kept as a dense
 * Cholesky system), "sparse" the other one (eliminated as a diagonal block).
 */
function makeEvaluator(d: Design): (theta: readonly number[], full?: boolean) => Profile {
  const nM = d.models.length, nI = d.items.length, nC = d.cellN.length;
  const modelsDense = nM <= nI;
  const nD = modelsDense ? nM : nI, nS = modelsDense ? nI : nM;
  const cellD = modelsDense ? d.cellModel : d.cellItem;
  const cellS = modelsDense ? d.cellItem : d.cellModel;
  // Per-factor totals: counts N and sums of y (the Z'X and Z'y blocks).
  const countD = new Float64Array(nD), sumD = new Float64Array(nD), countS = new Float64Array(nS), sumS = new Float64Array(nS);
  for (let k = 0; k < nC; k++) {
    countD[cellD[k]!]! += d.cellN[k]!; sumD[cellD[k]!]! += d.cellSum[k]!;
    countS[cellS[k]!]! += d.cellN[k]!; sumS[cellS[k]!]! += d.cellSum[k]!;
  }
  // Coupling of dense level j and sparse level i, stored densely (row j contiguous) so the Schur
  // complement G diag(1/dS) G' is a set of contiguous dot products; cells absent from the design stay 0.
  const H = new Float64Array(nD * nS);
  const S2 = new Float64Array(nD * nD);
  const dCell = new Float64Array(nC), dS = new Float64Array(nS), g = new Float64Array(nC);

  return (theta, full = false) => {
    const tm = theta[0]!, ti = theta[1]!, tx = theta[2]!;
    const tD = modelsDense ? tm : ti, tS = modelsDense ? ti : tm;
    // Cells: d_k = tx^2 n_k + 1. After eliminating them, the dense/sparse diagonal blocks become
    // 1 + t^2 sum n_k / d_k and the coupling of (dense j, sparse i) through cell k is tD tS n_k / d_k.
    let logDet = 0;
    S2.fill(0);
    dS.fill(1);
    for (let j = 0; j < nD; j++) S2[j * nD + j] = 1;
    for (let k = 0; k < nC; k++) {
      const nk = d.cellN[k]!;
      const dk = tx * tx * nk + 1;
      dCell[k] = dk;
      logDet += Math.log(dk);
      const r = nk / dk;
      S2[cellD[k]! * (nD + 1)]! += tD * tD * r;
      dS[cellS[k]!]! += tS * tS * r;
      g[k] = tD * tS * r;
    }
    for (let i = 0; i < nS; i++) logDet += Math.log(dS[i]!);
    for (let k = 0; k < nC; k++) H[cellD[k]! * nS + cellS[k]!] = g[k]! / Math.sqrt(dS[cellS[k]!]!);
    for (let a = 0; a < nD; a++) {
      const oa = a * nS;
      for (let b = 0; b <= a; b++) {
        const ob = b * nS;
        let s = 0;
        for (let i = 0; i < nS; i++) s += H[oa + i]! * H[ob + i]!;
        S2[a * nD + b]! -= s;
      }
    }
    // Cholesky of the dense Schur complement (lower triangle, in place).
    for (let j = 0; j < nD; j++) {
      let s = S2[j * nD + j]!;
      for (let k = 0; k < j; k++) s -= S2[j * nD + k]! ** 2;
      if (!(s > 0)) return { deviance: NaN, beta: NaN, sigma2: NaN, rx2: NaN, uModel: new Float64Array(0) };
      const l = Math.sqrt(s);
      S2[j * nD + j] = l;
      logDet += 2 * Math.log(l);
      for (let i = j + 1; i < nD; i++) {
        let t = S2[i * nD + j]!;
        for (let k = 0; k < j; k++) t -= S2[i * nD + k]! * S2[j * nD + k]!;
        S2[i * nD + j] = t / l;
      }
    }
    // Solve (Lambda Z'Z Lambda + I) w = Lambda Z' v for v = y (sums) and v = X (counts).
    const solve = (cellRhs: Float64Array, denseRhs: Float64Array, sparseRhs: Float64Array): { wC: Float64Array; wD: Float64Array; wS: Float64Array } => {
      const rD = new Float64Array(nD), rS = new Float64Array(nS);
      for (let j = 0; j < nD; j++) rD[j] = tD * denseRhs[j]!;
      for (let i = 0; i < nS; i++) rS[i] = tS * sparseRhs[i]!;
      for (let k = 0; k < nC; k++) {
        const vx = (tx * cellRhs[k]!) / dCell[k]!;
        const nk = d.cellN[k]!;
        rD[cellD[k]!]! -= tx * tD * nk * vx;
        rS[cellS[k]!]! -= tx * tS * nk * vx;
      }
      for (let k = 0; k < nC; k++) rD[cellD[k]!]! -= (g[k]! * rS[cellS[k]!]!) / dS[cellS[k]!]!;
      const wD = rD;
      for (let j = 0; j < nD; j++) {
        let s = wD[j]!;
        for (let k = 0; k < j; k++) s -= S2[j * nD + k]! * wD[k]!;
        wD[j] = s / S2[j * nD + j]!;
      }
      for (let j = nD - 1; j >= 0; j--) {
        let s = wD[j]!;
        for (let k = j + 1; k < nD; k++) s -= S2[k * nD + j]! * wD[k]!;
        wD[j] = s / S2[j * nD + j]!;
      }
      const wS = rS;
      for (let k = 0; k < nC; k++) wS[cellS[k]!]! -= g[k]! * wD[cellD[k]!]!;
      for (let i = 0; i < nS; i++) wS[i] = wS[i]! / dS[i]!;
      const wC = new Float64Array(nC);
      for (let k = 0; k < nC; k++) {
        const nk = d.cellN[k]!;
        wC[k] = (tx * cellRhs[k]! - tx * tD * nk * wD[cellD[k]!]! - tx * tS * nk * wS[cellS[k]!]!) / dCell[k]!;
      }
      return { wC, wD, wS };
    };
    const dot = (w: { wC: Float64Array; wD: Float64Array; wS: Float64Array }, cellRhs: Float64Array, denseRhs: Float64Array, sparseRhs: Float64Array): number => {
      let s = 0;
      for (let k = 0; k < nC; k++) s += w.wC[k]! * tx * cellRhs[k]!;
      for (let j = 0; j < nD; j++) s += w.wD[j]! * tD * denseRhs[j]!;
      for (let i = 0; i < nS; i++) s += w.wS[i]! * tS * sparseRhs[i]!;
      return s;
    };
    const wy = solve(d.cellSum, sumD, sumS);
    const wx = solve(d.cellN, countD, countS);
    const qyy = dot(wy, d.cellSum, sumD, sumS);
    const qxy = dot(wy, d.cellN, countD, countS);
    const qxx = dot(wx, d.cellN, countD, countS);
    const rx2 = d.n - qxx;
    const beta = (d.ySum - qxy) / rx2;
    const r2 = d.yy - qyy - (d.ySum - qxy) * beta;
    const dof = d.n - 1;
    if (!(r2 > 0 && rx2 > 0)) return { deviance: NaN, beta: NaN, sigma2: NaN, rx2: NaN, uModel: new Float64Array(0) };
    const deviance = logDet + Math.log(rx2) + dof * (1 + Math.log((2 * Math.PI * r2) / dof));
    let uModel = new Float64Array(0);
    if (full) {
      const wM = modelsDense ? { y: wy.wD, x: wx.wD } : { y: wy.wS, x: wx.wS };
      uModel = wM.y.map((v, j) => v - beta * wM.x[j]!);
    }
    return { deviance, beta, sigma2: r2 / dof, rx2, uModel };
  };
}

/**
 * Rough moment estimates of theta (relative standard deviations) to start the optimizer near the REML
 * optimum, which saves most of the evaluations a start at theta = 1 (lme4's) would spend. Only a start:
 * unweighted additive sweeps over cell means, floored so that no component starts on its bound.
 */
function momentStart(d: Design): { model: number; item: number; interaction: number } {
  const nM = d.models.length, nI = d.items.length, nC = d.cellN.length;
  const cellMean = Array.from(d.cellSum, (s, k) => s / d.cellN[k]!);
  // Pooled within-cell sum of squares from the sufficient statistics: sum y^2 - sum n_k mean_k^2.
  let between = 0;
  for (let k = 0; k < nC; k++) between += d.cellN[k]! * cellMean[k]! ** 2;
  const within = d.yy - between, withinDf = d.n - nC;
  const grand = cellMean.reduce((a, b) => a + b, 0) / nC;
  const a = new Float64Array(nM), b = new Float64Array(nI);
  const cntM = new Float64Array(nM), cntI = new Float64Array(nI);
  for (let k = 0; k < nC; k++) { cntM[d.cellModel[k]!]! += 1; cntI[d.cellItem[k]!]! += 1; }
  for (let sweep = 0; sweep < 4; sweep++) {
    a.fill(0);
    for (let k = 0; k < nC; k++) a[d.cellModel[k]!]! += (cellMean[k]! - grand - b[d.cellItem[k]!]!) / cntM[d.cellModel[k]!]!;
    b.fill(0);
    for (let k = 0; k < nC; k++) b[d.cellItem[k]!]! += (cellMean[k]! - grand - a[d.cellModel[k]!]!) / cntI[d.cellItem[k]!]!;
  }
  let resid = 0, invN = 0;
  for (let k = 0; k < nC; k++) { resid += (cellMean[k]! - grand - a[d.cellModel[k]!]! - b[d.cellItem[k]!]!) ** 2; invN += 1 / d.cellN[k]!; }
  const s2 = withinDf > 0 && within > 0 ? within / withinDf : Math.max(resid / nC, 1e-12);
  const varOf = (v: Float64Array): number => { let m = 0, q = 0; for (const x of v) m += x / v.length; for (const x of v) q += (x - m) ** 2; return q / Math.max(1, v.length - 1); };
  const rel = (v: number): number => Math.sqrt(Math.max(0.01, v / s2));
  return { model: rel(varOf(a)), item: rel(varOf(b)), interaction: rel(resid / nC - (s2 * invN) / nC) };
}

function harmonicMean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += 1 / v;
  return values.length / s;
}

/**
 * REML variance components of a crossed models x items design (see the module comment), with the
 * proportions of variance, the single-score ICC between models and the G coefficient of a model's mean.
 *
 * @param scores flat records {model, item, sample?, value}; any number of samples per cell, cells may be missing.
 * @throws StatsInputError with fewer than 2 models or 2 items, non-finite scores, or no residual variance.
 */
export function varianceComponents(scores: readonly ModelItemScore[], options: VarianceComponentsOptions = {}): VarianceComponentsResult {
  const d = buildDesign(scores);
  const nM = d.models.length, nI = d.items.length, nC = d.cellN.length;
  const notes: string[] = [];
  let confounded: VarianceComponentsResult['confounded'] = null;
  let maxCell = 0;
  for (let k = 0; k < nC; k++) maxCell = Math.max(maxCell, d.cellN[k]!);
  if (maxCell < 2) {
    confounded = {
      component: 'interaction', with: 'residual',
      reason: 'every model x item cell has one sample, so the model x item interaction cannot be told apart from sampling noise; `residual` is interaction + residual (lme4 refuses (1|model:item) here: levels = observations)',
    };
  } else if (nC === nI) {
    confounded = {
      component: 'interaction', with: 'item',
      reason: 'every item was answered by one model only (items nested in models), so item and model x item variances cannot be told apart; `item` is their sum',
    };
  } else if (nC === nM) {
    confounded = {
      component: 'interaction', with: 'model',
      reason: 'every model answered one item only, so model and model x item variances cannot be told apart; `model` is their sum',
    };
  }
  const withInteraction = confounded === null;
  const evaluate = makeEvaluator(d);
  // theta = [model, item, interaction]; the interaction is held at 0 (the term dropped) when confounded.
  const objective = (t: readonly number[]): number => evaluate([t[0]!, t[1]!, withInteraction ? t[2]! : 0]).deviance;
  const guess = momentStart(d);
  const start = withInteraction ? [guess.model, guess.item, guess.interaction] : [guess.model, guess.item];
  // fTol is relative to the criterion; xTol on theta keeps each component within ~1e-6 relative of the optimum.
  const opt = nelderMead(objective, start, { lower: start.map(() => 0), step: start.map((t) => Math.max(0.1, 0.25 * t)), fTol: 1e-13, xTol: 1e-7, maxEvaluations: 5000 });
  const theta = { model: opt.x[0]!, item: opt.x[1]!, interaction: withInteraction ? opt.x[2]! : 0 };
  const prof = evaluate([theta.model, theta.item, theta.interaction], true);
  if (!Number.isFinite(prof.deviance)) throw new StatsInputError('variance components: the REML criterion is undefined at the optimum (are all scores equal?)');
  const s2 = prof.sigma2;
  const components: VarianceComponentEstimates = {
    model: theta.model ** 2 * s2,
    item: theta.item ** 2 * s2,
    interaction: withInteraction ? theta.interaction ** 2 * s2 : null,
    residual: s2,
  };
  const total = components.model + components.item + (components.interaction ?? 0) + components.residual;
  const proportions: VarianceComponentEstimates = {
    model: components.model / total,
    item: components.item / total,
    interaction: components.interaction === null ? null : components.interaction / total,
    residual: components.residual / total,
  };
  const singular = theta.model < 1e-4 || theta.item < 1e-4 || (withInteraction && theta.interaction < 1e-4);
  if (singular) notes.push('singular fit: at least one variance component is estimated at (or next to) zero, as lme4 reports with "boundary (singular) fit"');
  if (confounded) notes.push(confounded.reason);

  // G-study design: how many items and samples a model's mean score averages over.
  const itemsPerModel = new Array<number>(nM).fill(0);
  const cellSizes: number[] = [];
  for (let k = 0; k < nC; k++) { itemsPerModel[d.cellModel[k]!]! += 1; cellSizes.push(d.cellN[k]!); }
  const nItemsG = options.nItems ?? harmonicMean(itemsPerModel);
  const nSamplesG = options.nSamples ?? harmonicMean(cellSizes);
  if (!(nItemsG > 0 && nSamplesG > 0)) throw new StatsInputError('nItems and nSamples must be positive');
  let relError: number | null, absError: number | null;
  if (confounded?.with === 'residual') {
    // residual = interaction + residual, each divided by n_i only when a cell holds one sample.
    if (nSamplesG === 1) {
      relError = components.residual / nItemsG;
      absError = relError + components.item / nItemsG;
    } else {
      relError = absError = null;
      notes.push(`the G coefficient for ${nSamplesG} samples per cell needs the interaction and residual variances separately, which this design (one sample per cell) cannot give`);
    }
  } else if (confounded?.with === 'model') {
    relError = absError = null;
    notes.push('no G coefficient: with one item per model, a model\'s own variance cannot be separated from its item-specific deviation');
  } else if (confounded?.with === 'item') {
    // Items nested in models: item effects do not cancel between models; the merged component is error.
    relError = absError = components.item / nItemsG + components.residual / (nItemsG * nSamplesG);
  } else {
    relError = components.interaction! / nItemsG + components.residual / (nItemsG * nSamplesG);
    absError = relError + components.item / nItemsG;
  }
  const coef = (err: number | null): number | null => (err === null ? null : components.model + err > 0 ? components.model / (components.model + err) : null);
  const modelEffects = d.models.map((model, j) => ({ model, value: theta.model * prof.uModel[j]! }));
  return {
    unit: 'scores',
    n_obs: d.n, n_models: nM, n_items: nI, n_cells: nC,
    components, proportions,
    intercept: { estimate: prof.beta, se: Math.sqrt(s2 / prof.rx2) },
    icc_model: proportions.model,
    g_coefficient: coef(relError),
    phi_coefficient: coef(absError),
    g_design: { n_items: nItemsG, n_samples: nSamplesG },
    confounded, singular,
    reml_criterion: prof.deviance,
    theta,
    model_effects: modelEffects,
    evaluations: opt.evaluations, converged: opt.converged,
    notes,
  };
}
