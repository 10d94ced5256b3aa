/**
 * Bradley-Terry paired comparisons with Davidson's (1970) ties, fitted by maximum likelihood
 * (issue 25: the priority of values from a model's forced choices).
 *
 * With worths π_i = exp(θ_i) and tie parameter ν ≥ 0, a comparison of i and j ends
 *   P(i preferred) = π_i / D,  P(j preferred) = π_j / D,  P(tie) = ν √(π_i π_j) / D,
 *   D = π_i + π_j + ν √(π_i π_j).
 * Dividing by √(π_i π_j) shows it depends only on d = (θ_i − θ_j)/2 and λ = log ν:
 *   P(i) = e^d / (e^d + e^−d + e^λ), and the log-likelihood is concave in (θ, λ) (linear minus a
 * log-sum-exp), so Newton's method with step halving finds the unique maximum. Without ties
 * (ν = 0) it is the plain Bradley-Terry model, logit P(i) = θ_i − θ_j, i.e. glm(binomial).
 *
 * Identification: log-strengths are reported centred (sum zero over the estimable items); their
 * covariance is the inverse observed information restricted to that subspace (its Moore-Penrose
 * inverse), so SEs do not depend on a reference item.
 *
 * When the maximum-likelihood estimates do not exist: an item never compared is reported as not
 * estimable (NaN) and left out. If the items compared do not form one strongly connected
 * "beats or ties" graph (Ford 1957; Hunter 2004) — e.g. one value wins every dilemma it appears
 * in — some strengths are infinite: with `ridge` 0 (the default, plain ML) the fit throws an
 * error naming the separated items; `ridge` > 0 adds a Gaussian prior N(0, 1/ridge) on each
 * log-strength (penalized ML, as the `choix` library's regularization), giving finite, shrunken
 * estimates and SEs from the penalized information.
 */
import { invertMatrix } from './correlation-linalg.js';
import { bootstrapInterval, type BootstrapInterval } from './bootstrap.js';
import { StatsInputError } from './input-error.js';
import { createRng } from './rng.js';

export type PairOutcome = 'i' | 'j' | 'tie';

/** One comparison of items i and j (0-based); outcome 'i' means i was preferred. */
export interface PairedComparison {
  i: number;
  j: number;
  outcome: PairOutcome;
  /** Multiplicity (default 1). */
  weight?: number;
}

/** A comparison within a resampling unit (a dilemma, asked several times or in several forms). */
export interface GroupedComparison extends PairedComparison {
  unit: string | number;
}

export interface BradleyTerryOptions {
  /** Number of items (default: largest index + 1). */
  items?: number;
  /** Fit Davidson's ν (default: when the data contain a tie); false fixes ν = 0. */
  ties?: boolean;
  /** Gaussian prior precision on log-strengths (default 0: maximum likelihood). */
  ridge?: number;
  maxIterations?: number;
  /** Convergence: largest absolute score (gradient) component (default 1e-10 per comparison). */
  tolerance?: number;
}

export interface BradleyTerryResult {
  items: number;
  /** Centred log-strengths θ (sum zero over estimable items); NaN for items never compared. */
  logStrength: number[];
  /** Standard errors of logStrength from the observed (or penalized) information. */
  se: number[];
  /** Covariance of the centred log-strengths (NaN rows/columns for items never compared). */
  cov: number[][];
  /** Worths as shares: exp(θ_i) / Σ exp(θ) over estimable items (0 for the others). */
  worth: number[];
  /** Davidson's tie parameter (0 when ties are not modelled). */
  nu: number;
  /** log ν and its SE; null when ties are not modelled. */
  logNu: number | null;
  seLogNu: number | null;
  /** Log-likelihood at the estimate (without the ridge penalty). */
  logLik: number;
  ridge: number;
  iterations: number;
  converged: boolean;
  /** Weighted totals: comparisons, ties, and per item wins, losses, ties. */
  counts: { comparisons: number; ties: number; wins: number[]; losses: number[]; itemTies: number[] };
  /** Items with at least one comparison. */
  estimable: boolean[];
  /** Whether the compared items form one strongly connected beats-or-ties graph (finite ML estimates). */
  stronglyConnected: boolean;
  /** Strongly connected components of that graph (items by index), largest first. */
  components: number[][];
}

interface PairCounts { i: number; j: number; wi: number; wj: number; t: number }

function checkComparisons(comparisons: readonly PairedComparison[], items?: number): number {
  if (comparisons.length === 0) throw new StatsInputError('Bradley-Terry needs at least one comparison');
  let maxIndex = -1;
  comparisons.forEach((c, k) => {
    for (const v of [c.i, c.j]) if (!Number.isInteger(v) || v < 0) throw new StatsInputError(`comparison ${k}: item indices must be non-negative integers, got ${v}`);
    if (c.i === c.j) throw new StatsInputError(`comparison ${k}: an item cannot be compared with itself (${c.i})`);
    if (c.outcome !== 'i' && c.outcome !== 'j' && c.outcome !== 'tie') throw new StatsInputError(`comparison ${k}: outcome must be 'i', 'j' or 'tie', got ${String(c.outcome)}`);
    const w = c.weight ?? 1;
    if (!(Number.isFinite(w) && w >= 0)) throw new StatsInputError(`comparison ${k}: weight must be finite and non-negative, got ${w}`);
    maxIndex = Math.max(maxIndex, c.i, c.j);
  });
  const m = items ?? maxIndex + 1;
  if (!Number.isInteger(m) || m <= maxIndex) throw new StatsInputError(`items = ${m} but a comparison names item ${maxIndex}`);
  return m;
}

function aggregate(comparisons: readonly PairedComparison[]): PairCounts[] {
  const map = new Map<string, PairCounts>();
  for (const c of comparisons) {
    const w = c.weight ?? 1;
    if (w === 0) continue;
    const [a, b] = c.i < c.j ? [c.i, c.j] : [c.j, c.i];
    const key = `${a},${b}`;
    let pc = map.get(key);
    if (!pc) map.set(key, (pc = { i: a, j: b, wi: 0, wj: 0, t: 0 }));
    if (c.outcome === 'tie') pc.t += w;
    else if ((c.outcome === 'i') === (c.i === a)) pc.wi += w;
    else pc.wj += w;
  }
  return [...map.values()];
}

/** Tarjan's strongly connected components of the graph loser → winner (ties both ways) on `nodes`. */
function stronglyConnectedComponents(nodes: readonly number[], pairs: readonly PairCounts[], m: number): number[][] {
  const adj: number[][] = Array.from({ length: m }, () => []);
  for (const p of pairs) {
    if (p.wi > 0 || p.t > 0) adj[p.j]!.push(p.i);
    if (p.wj > 0 || p.t > 0) adj[p.i]!.push(p.j);
  }
  const index = new Int32Array(m).fill(-1), low = new Int32Array(m), onStack = new Uint8Array(m);
  const stack: number[] = [], out: number[][] = [];
  let counter = 0;
  // Iterative DFS (a deep recursion could overflow on long chains).
  for (const root of nodes) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root); onStack[root] = 1;
    while (work.length) {
      const top = work[work.length - 1]!;
      const [v, e] = top;
      if (e < adj[v]!.length) {
        top[1]++;
        const w = adj[v]![e]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w); onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
      } else {
        work.pop();
        if (work.length) { const u = work[work.length - 1]![0]; low[u] = Math.min(low[u]!, low[v]!); }
        if (low[v] === index[v]) {
          const comp: number[] = [];
          let w: number;
          do { w = stack.pop()!; onStack[w] = 0; comp.push(w); } while (w !== v);
          out.push(comp.sort((a, b) => a - b));
        }
      }
    }
  }
  return out.sort((a, b) => b.length - a.length || a[0]! - b[0]!);
}

/** log(e^a + e^b + e^c) without overflow (c may be -Infinity). */
function logSumExp3(a: number, b: number, c: number): number {
  const m = Math.max(a, b, c);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m));
}

export function bradleyTerry(comparisons: readonly PairedComparison[], options: BradleyTerryOptions = {}): BradleyTerryResult {
  const m = checkComparisons(comparisons, options.items);
  const ridge = options.ridge ?? 0;
  if (!(Number.isFinite(ridge) && ridge >= 0)) throw new StatsInputError(`ridge must be finite and >= 0, got ${ridge}`);
  const pairs = aggregate(comparisons);
  const wins = new Array<number>(m).fill(0), losses = new Array<number>(m).fill(0), tiesPer = new Array<number>(m).fill(0);
  let total = 0, tieTotal = 0;
  for (const p of pairs) {
    wins[p.i]! += p.wi; losses[p.j]! += p.wi;
    wins[p.j]! += p.wj; losses[p.i]! += p.wj;
    tiesPer[p.i]! += p.t; tiesPer[p.j]! += p.t;
    total += p.wi + p.wj + p.t;
    tieTotal += p.t;
  }
  if (!(total > 0)) throw new StatsInputError('Bradley-Terry needs comparisons with positive weight');
  const estimable = wins.map((w, i) => w + losses[i]! + tiesPer[i]! > 0);
  const nodes = estimable.flatMap((e, i) => (e ? [i] : []));
  if (nodes.length < 2) throw new StatsInputError('Bradley-Terry needs at least two items compared');
  const components = stronglyConnectedComponents(nodes, pairs, m);
  const stronglyConnected = components.length === 1;
  if (!stronglyConnected && ridge === 0) {
    const top = separatedTop(components, pairs);
    throw new StatsInputError(`the maximum-likelihood strengths are infinite: item(s) ${top.join(', ')} win or tie every comparison with the other items they meet (the beats-or-ties graph has ${components.length} strongly connected components); use ridge > 0 (e.g. 0.1) for finite, shrunken estimates`);
  }
  const fitTies = options.ties ?? tieTotal > 0;
  if (fitTies && tieTotal > 0 && tieTotal >= total) throw new StatsInputError('every comparison is a tie: the tie parameter is infinite and strengths are not identified');
  // With ties modelled but none observed, the ML ν is 0: fit the plain model and report ν = 0.
  const withNu = fitTies && tieTotal > 0;
  const pos = new Map(nodes.map((v, k) => [v, k]));
  const q = nodes.length, dim = q + (withNu ? 1 : 0);
  const theta = new Array<number>(q).fill(0);
  let lambda = withNu ? Math.log((2 * tieTotal) / (total - tieTotal)) : -Infinity;
  const maxIterations = options.maxIterations ?? 200;
  const tol = options.tolerance ?? 1e-10 * Math.max(1, total);

  /** −log-likelihood + penalties, its gradient and Hessian at (theta, lambda). */
  const evaluate = (th: readonly number[], lam: number, wantDerivatives: boolean): { f: number; logLik: number; g: number[]; H: number[][] } => {
    const g = new Array<number>(dim).fill(0);
    const H = wantDerivatives ? Array.from({ length: dim }, () => new Array<number>(dim).fill(0)) : [];
    let ll = 0;
    for (const p of pairs) {
      const a = pos.get(p.i)!, b = pos.get(p.j)!;
      const d = (th[a]! - th[b]!) / 2;
      const N = p.wi + p.wj + p.t;
      const logD = logSumExp3(d, -d, lam);
      ll += (p.wi - p.wj) * d + (p.t > 0 ? p.t * lam : 0) - N * logD;
      const pi = Math.exp(d - logD), pj = Math.exp(-d - logD), pt = withNu ? Math.exp(lam - logD) : 0;
      const sd = (p.wi - p.wj) - N * (pi - pj); // dℓ/dd
      g[a]! -= sd / 2;
      g[b]! += sd / 2;
      if (withNu) g[q]! -= p.t - N * pt;
      if (!wantDerivatives) continue;
      const vd = N * (pi + pj - (pi - pj) ** 2); // −d²ℓ/dd²
      H[a]![a]! += vd / 4; H[b]![b]! += vd / 4; H[a]![b]! -= vd / 4; H[b]![a]! -= vd / 4;
      if (withNu) {
        const vl = N * (pt - pt * pt), cdl = -N * (pi - pj) * pt; // −d²ℓ/dλ², −d²ℓ/dd dλ
        H[q]![q]! += vl;
        H[a]![q]! += cdl / 2; H[q]![a]! += cdl / 2;
        H[b]![q]! -= cdl / 2; H[q]![b]! -= cdl / 2;
      }
    }
    // Penalties: ridge/2 Σθ² (the prior) and ½(Σθ)², which fixes the free shift at Σθ = 0
    // without changing the likelihood (it is shift-invariant) and makes the Hessian invertible.
    let sum = 0, sq = 0;
    for (const v of th) { sum += v; sq += v * v; }
    for (let k = 0; k < q; k++) {
      g[k]! += ridge * th[k]! + sum;
      if (wantDerivatives) { H[k]![k]! += ridge; for (let l = 0; l < q; l++) H[k]![l]! += 1; }
    }
    return { f: -ll + (ridge / 2) * sq + 0.5 * sum * sum, logLik: ll, g, H };
  };

  let cur = evaluate(theta, lambda, true);
  let iterations = 0, converged = false;
  for (; iterations < maxIterations; iterations++) {
    if (Math.max(...cur.g.map(Math.abs)) < tol) { converged = true; break; }
    const inv = invertMatrix(cur.H);
    const step = inv.map((row) => row.reduce((s, v, l) => s + v * cur.g[l]!, 0));
    let t = 1, next = cur, accepted = false;
    for (let half = 0; half < 60; half++) {
      const th2 = theta.map((v, k) => v - t * step[k]!);
      const lam2 = withNu ? lambda - t * step[q]! : lambda;
      const trial = evaluate(th2, lam2, false);
      if (Number.isFinite(trial.f) && trial.f <= cur.f + 1e-12 * Math.abs(cur.f)) {
        theta.splice(0, q, ...th2);
        lambda = lam2;
        next = evaluate(theta, lambda, true);
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) break;
    cur = next;
  }
  if (!converged && Math.max(...cur.g.map(Math.abs)) < tol) converged = true;
  const inv = invertMatrix(cur.H);
  // Covariance of the centred θ: C (H + 11ᵀ)⁻¹ C with C = I − 11ᵀ/q (the shift direction is
  // decoupled from λ, since the scores sum to zero over θ).
  const covT = centre(inv.slice(0, q).map((row) => row.slice(0, q)));
  const mean = theta.reduce((s, v) => s + v, 0) / q;
  const logStrength = new Array<number>(m).fill(NaN), se = new Array<number>(m).fill(NaN);
  const cov = Array.from({ length: m }, () => new Array<number>(m).fill(NaN));
  nodes.forEach((v, a) => {
    logStrength[v] = theta[a]! - mean;
    se[v] = Math.sqrt(Math.max(0, covT[a]![a]!));
    nodes.forEach((w, b) => { cov[v]![w] = covT[a]![b]!; });
  });
  const maxT = Math.max(...nodes.map((v) => logStrength[v]!));
  const expT = logStrength.map((v) => (Number.isNaN(v) ? 0 : Math.exp(v - maxT)));
  const z = expT.reduce((s, v) => s + v, 0);
  return {
    items: m,
    logStrength,
    se,
    cov,
    worth: expT.map((v) => v / z),
    nu: withNu ? Math.exp(lambda) : 0,
    logNu: withNu ? lambda : null,
    seLogNu: withNu ? Math.sqrt(Math.max(0, inv[q]![q]!)) : null,
    logLik: cur.logLik,
    ridge,
    iterations,
    converged,
    counts: { comparisons: total, ties: tieTotal, wins, losses, itemTies: tiesPer },
    estimable,
    stronglyConnected,
    components,
  };
}

function centre(a: number[][]): number[][] {
  const q = a.length;
  const rowMean = a.map((row) => row.reduce((s, v) => s + v, 0) / q);
  const all = rowMean.reduce((s, v) => s + v, 0) / q;
  return a.map((row, i) => row.map((v, j) => v - rowMean[i]! - rowMean[j]! + all));
}

/** The items of components no other component beats: they win or tie against everyone outside. */
function separatedTop(components: number[][], pairs: readonly PairCounts[]): number[] {
  const compOf = new Map<number, number>();
  components.forEach((c, k) => c.forEach((v) => compOf.set(v, k)));
  const beaten = new Set<number>();
  for (const p of pairs) {
    const ci = compOf.get(p.i)!, cj = compOf.get(p.j)!;
    if (ci === cj) continue;
    if (p.wj > 0 || p.t > 0) beaten.add(ci); // j beat or tied i
    if (p.wi > 0 || p.t > 0) beaten.add(cj);
  }
  const top = components.flatMap((c, k) => (beaten.has(k) ? [] : c));
  return top.sort((a, b) => a - b);
}

export interface BradleyTerryBootstrapOptions extends BradleyTerryOptions {
  /** Resamples of the units (default 1000). */
  resamples?: number;
  level?: number;
  seed?: number;
}

export interface BradleyTerryBootstrap {
  fit: BradleyTerryResult;
  /** Units (dilemmas) in the data; each resample draws this many with replacement. */
  units: number;
  /** Percentile interval per item's centred log-strength (null for items never compared). */
  logStrength: (BootstrapInterval | null)[];
  /** Percentile interval for ν (null when ties are not modelled). */
  nu: BootstrapInterval | null;
  resamples: number;
  /**
   * Resamples without a finite fit (an item dropped out, or the ML estimates were infinite with
   * ridge 0); intervals come from the others. A large share means the interval is unreliable:
   * use ridge > 0.
   */
  failed: number;
}

/**
 * Bootstrap over units (issue 25: over dilemmas, the unit that was sampled, not over single
 * answers): resample whole units with replacement, refit, and take percentile intervals of each
 * centred log-strength and of ν.
 */
export function bootstrapBradleyTerry(comparisons: readonly GroupedComparison[], options: BradleyTerryBootstrapOptions = {}): BradleyTerryBootstrap {
  const m = checkComparisons(comparisons, options.items);
  const fitOptions: BradleyTerryOptions = { ...options, items: m };
  const fit = bradleyTerry(comparisons, fitOptions);
  const groups = new Map<string | number, GroupedComparison[]>();
  for (const c of comparisons) {
    const g = groups.get(c.unit);
    if (g) g.push(c); else groups.set(c.unit, [c]);
  }
  const units = [...groups.values()];
  if (units.length < 2) throw new StatsInputError('the bootstrap over units needs at least two units');
  const B = options.resamples ?? 1000;
  if (!(Number.isInteger(B) && B >= 10)) throw new StatsInputError(`resamples must be an integer >= 10, got ${B}`);
  const level = options.level ?? 0.95;
  const rng = createRng(options.seed ?? 1);
  const reps: number[][] = Array.from({ length: m }, () => []);
  const nuReps: number[] = [];
  // Ties modelled in the full fit stay modelled in every resample (a resample without ties then has ν = 0).
  const resampleOptions: BradleyTerryOptions = { ...fitOptions, ties: fit.logNu !== null };
  let failed = 0;
  for (let b = 0; b < B; b++) {
    const sample: GroupedComparison[] = [];
    for (let u = 0; u < units.length; u++) sample.push(...units[rng.int(units.length)]!);
    let res: BradleyTerryResult;
    try {
      res = bradleyTerry(sample, resampleOptions);
    } catch (e) {
      if (!(e instanceof StatsInputError)) throw e;
      failed++;
      continue;
    }
    if (fit.estimable.some((e, i) => e && !res.estimable[i])) { failed++; continue; }
    fit.estimable.forEach((e, i) => { if (e) reps[i]!.push(res.logStrength[i]!); });
    nuReps.push(res.nu);
  }
  if (failed === B) throw new StatsInputError('no bootstrap resample had a finite fit; use ridge > 0');
  return {
    fit,
    units: units.length,
    logStrength: fit.estimable.map((e, i) => (e ? bootstrapInterval(fit.logStrength[i]!, reps[i]!, level, 'percentile') : null)),
    nu: fit.logNu !== null ? bootstrapInterval(fit.nu, nuReps, level, 'percentile') : null,
    resamples: B,
    failed,
  };
}
