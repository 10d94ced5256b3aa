/**
 * McDonald's omega as psych::omega computes it: a Schmid–Leiman transformation of an oblique
 * factor solution (psych::schmid) into a general factor and residualized group factors, then
 * omega hierarchical, omega total, the omega limit, alpha, G6, ECV and per-group omegas.
 *
 * `schmidLeiman` and `omegaFromSchmid` take the factor solution as input, so they are exact given
 * any extraction; `omega` wires in the extraction (minres + varimax, then oblimin) that psych uses.
 */
import { covToCor, eigenSymmetric, squaredMultipleCorrelations } from './correlation-linalg.js';
import { DegenerateDataError, pearsonPairwise } from './correlation.js';
import { minresLoadings, obliminGpa, varimaxR } from './omega-factoring.js';
import { minresReducedEigenvalues } from './parallel.js';

export interface ObliqueSolution {
  /** Unrotated-to-varimax orthogonal loadings (psych's orth.load), variables x factors. */
  orthogonal: number[][];
  /** Oblique pattern loadings of the same factors (oblimin in psych), variables x factors. */
  oblique: number[][];
  /** Factor correlations of the oblique solution. */
  phi: number[][];
}

export interface SchmidLeimanResult {
  /** Loadings of each variable on the general factor. */
  general: number[];
  /** Residualized group-factor loadings, variables x factors. */
  group: number[][];
  communality: number[];
  uniqueness: number[];
  /** Share of each variable's communality due to the general factor (psych's p2). */
  generalShare: number[];
  /** Loadings of the first-order factors on the general factor. */
  gLoadings: number[];
}

/**
 * Loadings of a one-factor minres solution, signed to sum positive (psych's fa(Phi, fm = "minres")
 * for the second-order factor).
 */
function oneFactorLoadings(r: number[][]): number[] {
  const { communalities } = minresReducedEigenvalues(r, 1);
  const reduced = r.map((row, i) => row.map((v, j) => (i === j ? communalities[i]! : v)));
  const { values, vectors } = eigenSymmetric(reduced);
  const l = vectors.map((row) => row[0]! * Math.sqrt(Math.max(values[0]!, 0)));
  return l.reduce((a, b) => a + b, 0) < 0 ? l.map((v) => -v) : l;
}

/** psych::schmid from a given oblique solution (option "equal" for two factors). */
export function schmidLeiman(solution: ObliqueSolution): SchmidLeimanResult {
  const { orthogonal, oblique, phi } = solution;
  const p = oblique.length, k = phi.length;
  if (k < 2) throw new DegenerateDataError('Schmid-Leiman needs at least 2 group factors');
  if (orthogonal.length !== p || oblique.some((row) => row.length !== k) || orthogonal.some((row) => row.length !== k)) throw new DegenerateDataError('Schmid-Leiman: loading matrices and phi do not agree in size');
  let gLoadings: number[];
  if (k > 2) gLoadings = oneFactorLoadings(phi);
  else {
    const r12 = phi[0]![1]!;
    gLoadings = [Math.sqrt(Math.abs(r12)), Math.sign(r12) * Math.sqrt(Math.abs(r12))];
  }
  const general = oblique.map((row) => row.reduce((s, v, f) => s + v * gLoadings[f]!, 0));
  const communality = orthogonal.map((row) => row.reduce((s, v) => s + v * v, 0));
  const group = oblique.map((row) => row.map((v, f) => Math.sign(v) * Math.sqrt(Math.max(0, v * v - (v * gLoadings[f]!) ** 2))));
  return {
    general,
    group,
    communality,
    uniqueness: communality.map((h) => 1 - h),
    generalShare: general.map((g, i) => (g * g) / communality[i]!),
    gLoadings,
  };
}

export interface OmegaResult {
  omegaH: number;
  omegaTotal: number;
  /** omega_h / omega_total: the general factor's share of reliable variance (psych's omega.lim). */
  omegaLimit: number;
  alpha: number;
  g6: number;
  /** Explained common variance of the general factor. */
  ecv: number;
  /** +1 / -1 per variable: psych reverses variables loading negatively on g before computing. */
  keys: number[];
  schmid: SchmidLeimanResult;
  /** Per-group omegas: index 0 is the whole scale, then one per group factor (psych's omega.group). */
  groups: { total: number[]; general: number[]; group: number[] };
}

/** psych::omega's statistics from a correlation matrix and its Schmid–Leiman solution (flip = TRUE). */
export function omegaFromSchmid(r: number[][], schmid: SchmidLeimanResult): OmegaResult {
  const p = r.length, k = schmid.gLoadings.length;
  const keys = schmid.general.map((g) => (g < 0 ? -1 : 1));
  const flip = keys.reduce((a, b) => a + b, 0) < p;
  const m = flip ? r.map((row, i) => row.map((v, j) => v * keys[i]! * keys[j]!)) : r.map((row) => [...row]);
  const sl = flip
    ? { ...schmid, general: schmid.general.map((g, i) => g * keys[i]!), group: schmid.group.map((row, i) => row.map((v) => v * keys[i]!)) }
    : schmid;
  const sumBlock = (idx: number[]): number => idx.reduce((s, i) => s + idx.reduce((t, j) => t + m[i]![j]!, 0), 0);
  const all = m.map((_, i) => i);
  const vt = sumBlock(all);
  const vitem = m.reduce((s, row, i) => s + row[i]!, 0);
  const gsum = sl.general.reduce((a, b) => a + b, 0);
  const gsq = gsum * gsum;
  const uniq = sl.uniqueness.reduce((a, b) => a + b, 0);
  const omegaTotal = (vt - uniq) / vt;
  const ev = [sl.general.reduce((s, g) => s + g * g, 0), ...Array.from({ length: k }, (_, f) => sl.group.reduce((s, row) => s + row[f]! ** 2, 0))];
  const smc = squaredMultipleCorrelations(m);
  const total = new Array<number>(k + 1).fill(NaN), general = new Array<number>(k + 1).fill(NaN), group = new Array<number>(k + 1).fill(NaN);
  const assigned = sl.group.map((row) => row.reduce((best, v, f) => (Math.abs(v) > Math.abs(row[best]!) ? f : best), 0));
  let grs = 0;
  for (let f = 0; f < k; f++) {
    const idx = all.filter((i) => assigned[i] === f);
    if (idx.length === 0) continue;
    const vgr = sumBlock(idx);
    const gr = idx.reduce((s, i) => s + sl.group[i]![f]!, 0);
    const gg = idx.reduce((s, i) => s + sl.general[i]!, 0);
    grs += gr * gr;
    group[f + 1] = (gr * gr) / vgr;
    general[f + 1] = (gg * gg) / vgr;
    total[f + 1] = (gr * gr + gg * gg) / vgr;
  }
  general[0] = gsq / vt;
  group[0] = grs / vt;
  total[0] = omegaTotal;
  return {
    omegaH: gsq / vt,
    omegaTotal,
    omegaLimit: gsq / (vt - uniq),
    alpha: ((vt - vitem) / vt) * (p / (p - 1)),
    g6: (vt + smc.reduce((a, b) => a + b, 0) - vitem) / vt,
    ecv: ev[0]! / ev.reduce((a, b) => a + b, 0),
    keys: flip ? keys : new Array<number>(p).fill(1),
    schmid: sl,
    groups: { total, general, group },
  };
}

export interface OmegaOptions {
  /** Number of group factors (psych default 3). */
  nfactors?: number;
}

/**
 * psych::omega(m, nfactors, fm = "minres", rotate = "oblimin") from raw data (pairwise Pearson
 * correlations) or a correlation matrix: minres + varimax, oblimin, Schmid–Leiman, omega.
 */
export function omega(input: { data: (number | null)[][] } | { r: number[][] }, options: OmegaOptions = {}): OmegaResult & { solution: ObliqueSolution } {
  const nfactors = options.nfactors ?? 3;
  const r = 'data' in input ? pearsonPairwise(input.data) : input.r;
  const p = r.length;
  if (r.some((row) => row.length !== p || row.some((v) => !Number.isFinite(v)))) throw new DegenerateDataError('omega needs a square, finite correlation matrix');
  if (!(Number.isInteger(nfactors) && nfactors >= 2)) throw new DegenerateDataError(`omega needs nfactors >= 2, got ${nfactors}`);
  if (p < 2 * nfactors) throw new DegenerateDataError(`omega with ${nfactors} factors needs at least ${2 * nfactors} variables, got ${p}`);
  const m = covToCor(r);
  const rotated = varimaxR(minresLoadings(m, nfactors));
  // psych::fa orders rotated factors by the variance they explain; group omegas follow that order
  const ss = rotated[0]!.map((_, k) => rotated.reduce((s, row) => s + row[k]! ** 2, 0));
  const order = ss.map((_, k) => k).sort((a, b) => ss[b]! - ss[a]!);
  const orthogonal = rotated.map((row) => order.map((k) => row[k]!));
  const { loadings: oblique, phi } = obliminGpa(orthogonal);
  const solution = { orthogonal, oblique, phi };
  return { ...omegaFromSchmid(m, schmidLeiman(solution)), solution };
}
