/**
 * Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4: the two-loop recursion) with a
 * backtracking line search on the Armijo condition, for smooth convex objectives such as
 * L2-penalised logistic regression. Deterministic; the caller's function fills the gradient.
 */

export interface LbfgsOptions {
  /** Pairs of correction vectors kept. Default 10. */
  memory?: number;
  /** Iteration cap. Default 500. */
  maxIterations?: number;
  /** Stop when the largest gradient component is below this. Default 1e-6. */
  gradientTolerance?: number;
  /** Stop when the objective changes by less than this, relatively. Default 1e-10. */
  relativeTolerance?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  /** Objective evaluations (iterations plus line-search retries). */
  evaluations: number;
  converged: boolean;
}

/** Minimise `f` from `x0`; `f(x, grad)` returns the value and writes the gradient into `grad`. */
export function lbfgs(f: (x: Float64Array, grad: Float64Array) => number, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const m = options.memory ?? 10;
  const maxIter = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-6;
  const ftol = options.relativeTolerance ?? 1e-10;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let evaluations = 1;
  let fx = f(x, g);
  const s: Float64Array[] = [], y: Float64Array[] = [], rho: number[] = [];
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  const maxAbs = (v: Float64Array): number => {
    let a = 0;
    for (let i = 0; i < v.length; i++) a = Math.max(a, Math.abs(v[i]!));
    return a;
  };
  let iter = 0;
  let converged = maxAbs(g) < gtol;
  while (!converged && iter < maxIter) {
    iter++;
    // d = -H g by the two-loop recursion.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let k = s.length - 1; k >= 0; k--) {
      let a = 0;
      const sk = s[k]!;
      for (let i = 0; i < n; i++) a += sk[i]! * d[i]!;
      a *= rho[k]!;
      alpha[k] = a;
      const yk = y[k]!;
      for (let i = 0; i < n; i++) d[i]! -= a * yk[i]!;
    }
    if (s.length > 0) {
      const sl = s[s.length - 1]!, yl = y[y.length - 1]!;
      let sy = 0, yy = 0;
      for (let i = 0; i < n; i++) {
        sy += sl[i]! * yl[i]!;
        yy += yl[i]! * yl[i]!;
      }
      const gamma = sy / yy;
      for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
    } else {
      // First step: a unit-length move along the steepest descent.
      const norm = Math.sqrt(d.reduce((acc, v) => acc + v * v, 0)) || 1;
      for (let i = 0; i < n; i++) d[i] = d[i]! / norm;
    }
    for (let k = 0; k < s.length; k++) {
      let b = 0;
      const yk = y[k]!;
      for (let i = 0; i < n; i++) b += yk[i]! * d[i]!;
      b *= rho[k]!;
      const sk = s[k]!;
      for (let i = 0; i < n; i++) d[i]! += (alpha[k]! - b) * sk[i]!;
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += g[i]! * d[i]!;
    if (slope >= 0) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      s.length = y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      slope = -g.reduce((acc, v) => acc + v * v, 0);
    }
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * d[i]!;
      fNew = f(xNew, gNew);
      evaluations++;
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < fx || fNew <= fx + 1e-4 * step * slope)) break; // no progress possible
    const sNew = new Float64Array(n), yNew = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sNew[i] = xNew[i]! - x[i]!;
      yNew[i] = gNew[i]! - g[i]!;
      sy += sNew[i]! * yNew[i]!;
    }
    const rel = Math.abs(fx - fNew) / Math.max(1, Math.abs(fx));
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (sy > 1e-12) {
      if (s.length === m) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
    }
    if (maxAbs(g) < gtol || rel < ftol) converged = true;
  }
  return { x, value: fx, iterations: iter, evaluations, converged };
}
