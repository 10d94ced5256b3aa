/**
 * Derivative-free minimization for a few parameters: Nelder-Mead with box bounds and restarts.
 *
 * Bounds are enforced by projecting every trial point onto the box, so the objective is never
 * evaluated outside it (a variance parameter below zero, say) and an optimum on a bound is reached
 * exactly, as lme4's bounded optimizers reach theta = 0 in a singular fit. Projection can collapse
 * the simplex onto a face of the box; each restart builds a fresh simplex around the best point, so a
 * premature collapse (onto a face or not) is undone, and restarts stop once one no longer improves.
 */
import { StatsInputError } from './input-error.js';

export interface NelderMeadOptions {
  /** Lower bounds (default -Infinity for every parameter). */
  lower?: readonly number[];
  /** Upper bounds (default +Infinity). */
  upper?: readonly number[];
  /** Initial simplex edge per parameter (default 0.5, or 10% of |x0| when larger). */
  step?: number | readonly number[];
  /** Converged when the simplex's function values span at most fTol (1 + |best value|) (default 1e-10) ... */
  fTol?: number;
  /** ... and every vertex lies within xTol of the best in each coordinate (default 1e-8). */
  xTol?: number;
  /** Budget over all restarts (default 10,000 evaluations). */
  maxEvaluations?: number;
  /** Fresh simplices built around the best point after the first convergence (default 4). */
  restarts?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
  /** False when the evaluation budget ran out before the simplex met both tolerances. */
  converged: boolean;
}

export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length;
  if (n === 0) throw new StatsInputError('nelderMead needs at least one parameter');
  const lower = options.lower ?? new Array<number>(n).fill(-Infinity);
  const upper = options.upper ?? new Array<number>(n).fill(Infinity);
  if (lower.length !== n || upper.length !== n) throw new StatsInputError(`bounds must have ${n} entries`);
  for (let i = 0; i < n; i++) {
    if (!(lower[i]! <= upper[i]!)) throw new StatsInputError(`lower bound ${i} exceeds the upper bound`);
    if (!Number.isFinite(x0[i])) throw new StatsInputError(`x0[${i}] is not finite`);
  }
  const fTol = options.fTol ?? 1e-10;
  const xTol = options.xTol ?? 1e-8;
  const maxEvaluations = options.maxEvaluations ?? 10_000;
  const restarts = options.restarts ?? 4;
  const project = (x: number[]): number[] => x.map((v, i) => Math.min(upper[i]!, Math.max(lower[i]!, v)));
  let evaluations = 0;
  // Non-finite values (a singular matrix at some trial point) rank worst rather than poisoning the order.
  const F = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.MAX_VALUE;
  };
  const stepFor = (i: number, x: readonly number[]): number => {
    const s = options.step;
    if (typeof s === 'number') return s;
    if (s) return s[i]!;
    return Math.max(0.5, 0.1 * Math.abs(x[i]!));
  };

  const run = (start: readonly number[]): { x: number[]; value: number; converged: boolean } => {
    const pts: number[][] = [project([...start])];
    for (let i = 0; i < n; i++) {
      const p = [...pts[0]!];
      const h = stepFor(i, p);
      // Step inwards when the outward step would be clipped back onto the start (start on an upper bound).
      p[i] = p[i]! + h <= upper[i]! ? p[i]! + h : p[i]! - h;
      pts.push(project(p));
    }
    const vals = pts.map((p) => F(p));
    for (;;) {
      const order = vals.map((_, i) => i).sort((a, b) => vals[a]! - vals[b]!);
      const sortedPts = order.map((i) => pts[i]!), sortedVals = order.map((i) => vals[i]!);
      for (let i = 0; i <= n; i++) { pts[i] = sortedPts[i]!; vals[i] = sortedVals[i]!; }
      const best = pts[0]!;
      let spread = 0;
      for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs(pts[i]![j]! - best[j]!));
      if (vals[n]! - vals[0]! <= fTol * (1 + Math.abs(vals[0]!)) && spread <= xTol) return { x: [...best], value: vals[0]!, converged: true };
      if (evaluations >= maxEvaluations) return { x: [...best], value: vals[0]!, converged: false };
      const centroid = new Array<number>(n).fill(0);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += pts[i]![j]! / n;
      const along = (t: number): number[] => project(centroid.map((c, j) => c + t * (c - pts[n]![j]!)));
      const xr = along(1), fr = F(xr);
      if (fr < vals[0]!) {
        const xe = along(2), fe = F(xe);
        if (fe < fr) { pts[n] = xe; vals[n] = fe; } else { pts[n] = xr; vals[n] = fr; }
        continue;
      }
      if (fr < vals[n - 1]!) { pts[n] = xr; vals[n] = fr; continue; }
      // Contraction: outside when the reflection helped at all, inside otherwise.
      const outside = fr < vals[n]!;
      const xc = along(outside ? 0.5 : -0.5), fc = F(xc);
      if (fc < (outside ? fr : vals[n]!)) { pts[n] = xc; vals[n] = fc; continue; }
      for (let i = 1; i <= n; i++) {
        pts[i] = project(pts[i]!.map((v, j) => best[j]! + 0.5 * (v - best[j]!)));
        vals[i] = F(pts[i]!);
      }
    }
  };

  let result = run(x0);
  for (let r = 0; r < restarts && evaluations < maxEvaluations; r++) {
    const again = run(result.x);
    const improved = again.value < result.value - fTol * (1 + Math.abs(result.value));
    if (again.value <= result.value) result = again;
    else result = { ...result, converged: result.converged && again.converged };
    if (!improved) break;
  }
  return { x: result.x, value: result.value, evaluations, converged: result.converged };
}
