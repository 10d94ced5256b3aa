/**
 * Distribution functions needed for p-values and interval inversion: log-gamma, regularized
 * incomplete gamma and beta, normal, Student t, central and noncentral chi-square.
 * Accuracy target is ~1e-12 relative in the body and good relative accuracy in the tails,
 * which is what comparisons against R's pt/pchisq need.
 */
import { StatsInputError } from './input-error.js';

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new StatsInputError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-16;
const TINY = 1e-300;

/** Regularized lower incomplete gamma P(a, x) and its complement Q(a, x), each computed directly. */
export function regularizedGamma(a: number, x: number): { lower: number; upper: number } {
  if (!(a > 0)) throw new StatsInputError(`regularizedGamma needs a > 0, got ${a}`);
  if (x <= 0) return { lower: 0, upper: 1 };
  if (x === Infinity) return { lower: 1, upper: 0 };
  const logPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series: P = e^{-x} x^a / Γ(a+1) Σ x^n / ((a+1)...(a+n))
    let ap = a, sum = 1 / a, del = sum;
    for (let n = 0; n < 100000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    const lower = Math.min(1, sum * Math.exp(logPrefix));
    return { lower, upper: 1 - lower };
  }
  // Continued fraction for Q (modified Lentz).
  let b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const upper = Math.min(1, Math.exp(logPrefix) * h);
  return { lower: 1 - upper, upper };
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1, d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new StatsInputError(`regularizedBeta needs a, b > 0, got ${a}, ${b}`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Standard normal CDF, accurate in both tails (via the incomplete gamma: erfc(z) = Q(1/2, z²)). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) throw new StatsInputError('normalCdf got NaN');
  const h = regularizedGamma(0.5, (z * z) / 2).upper / 2; // P(|Z| > |z|) / 2
  return z < 0 ? h : 1 - h;
}

/** Upper tail P(Z > z) without cancellation. */
export function normalSurvival(z: number): number {
  return normalCdf(-z);
}

/** Standard normal quantile (Acklam's rational approximation polished by Halley steps). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new StatsInputError(`normalQuantile needs p in [0, 1], got ${p}`);
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5, r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  for (let i = 0; i < 2; i++) {
    const e = normalCdf(x) - p;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x = x - u / (1 + (x * u) / 2);
  }
  return x;
}

/** Student t CDF P(T <= t) with df > 0 (df may be fractional, as in Welch's test). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new StatsInputError(`studentTCdf needs df > 0, got ${df}`);
  if (Number.isNaN(t)) throw new StatsInputError('studentTCdf got NaN');
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5); // P(T > |t|)
  return t < 0 ? tail : 1 - tail;
}

/** Two-sided p-value P(|T| >= |t|), computed without cancellation. */
export function studentTTwoSided(t: number, df: number): number {
  if (!(df > 0)) throw new StatsInputError(`studentTTwoSided needs df > 0, got ${df}`);
  if (!Number.isFinite(t)) return 0;
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/** Student t quantile by bisection-safeguarded Newton on the CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new StatsInputError(`studentTQuantile needs p in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0, hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  let x = Math.min(Math.max(normalQuantile(p), lo), hi);
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(x, df) - p;
    if (f > 0) hi = x; else lo = x;
    const dens = Math.exp(logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((x * x) / df));
    let next = x - f / dens;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) < 1e-14 * Math.max(1, Math.abs(x))) return next;
    x = next;
  }
  return x;
}

/** Central chi-square CDF and survival. */
export function chiSquareCdf(x: number, df: number): number {
  if (!(df > 0)) throw new StatsInputError(`chiSquareCdf needs df > 0, got ${df}`);
  return regularizedGamma(df / 2, Math.max(0, x) / 2).lower;
}
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) throw new StatsInputError(`chiSquareSurvival needs df > 0, got ${df}`);
  return regularizedGamma(df / 2, Math.max(0, x) / 2).upper;
}

/**
 * Noncentral chi-square CDF as the Poisson(ncp/2) mixture of central chi-squares with df + 2j.
 * The sum starts at the Poisson mode and walks outwards in both directions, so large ncp (as in
 * the RMSEA interval of a poorly fitting model) neither underflows nor loses terms.
 * Returns both tails, each summed from its own central tails (no 1 - p cancellation).
 */
export function nonCentralChiSquare(x: number, df: number, ncp: number): { lower: number; upper: number } {
  if (!(df > 0) || !(ncp >= 0)) throw new StatsInputError(`nonCentralChiSquare needs df > 0 and ncp >= 0, got ${df}, ${ncp}`);
  if (x <= 0) return { lower: 0, upper: 1 };
  if (ncp / 2 === 0) {
    // ncp so small that ncp / 2 underflows: the central distribution to double precision.
    const g = regularizedGamma(df / 2, x / 2);
    return { lower: g.lower, upper: g.upper };
  }
  const lam = ncp / 2;
  const mode = Math.floor(lam);
  const logWeight = (j: number): number => (j === 0 ? -lam : -lam + j * Math.log(lam) - logGamma(j + 1));
  let lower = 0, upper = 0, weightSum = 0;
  // Downwards from the mode (including it).
  for (let j = mode; j >= 0; j--) {
    const w = Math.exp(logWeight(j));
    const g = regularizedGamma(df / 2 + j, x / 2);
    lower += w * g.lower;
    upper += w * g.upper;
    weightSum += w;
    if (w < 1e-18 * weightSum && j < mode - 5) break;
  }
  for (let j = mode + 1; j < mode + 100000; j++) {
    const w = Math.exp(logWeight(j));
    const g = regularizedGamma(df / 2 + j, x / 2);
    lower += w * g.lower;
    upper += w * g.upper;
    weightSum += w;
    if (w < 1e-18 * weightSum && j > mode + 5) break;
  }
  // Poisson weights sum to 1 up to truncation; the tails are renormalised by the summed weight.
  return { lower: Math.min(1, lower / weightSum), upper: Math.min(1, upper / weightSum) };
}

export function nonCentralChiSquareCdf(x: number, df: number, ncp: number): number {
  return nonCentralChiSquare(x, df, ncp).lower;
}

/**
 * Brent's root finder on [a, b] where f(a) and f(b) have opposite signs.
 * Used to invert CDFs (RMSEA interval) to full double precision.
 */
export function brentRoot(f: (x: number) => number, a: number, b: number, tol = 1e-12, maxIter = 500): number {
  let fa = f(a), fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (fa * fb > 0) throw new StatsInputError('brentRoot: the bracket does not change sign');
  let c = a, fc = fa, d = b - a, e = d;
  for (let i = 0; i < maxIter; i++) {
    if (fb * fc > 0) { c = a; fc = fa; d = b - a; e = d; }
    if (Math.abs(fc) < Math.abs(fb)) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa; }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number, q: number;
      if (a === c) { p = 2 * xm * s; q = 1 - s; }
      else {
        const qq = fa / fc, r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q; else p = -p;
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) { e = d; d = p / q; }
      else { d = xm; e = d; }
    } else { d = xm; e = d; }
    a = b; fa = fb;
    b += Math.abs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1);
    fb = f(b);
  }
  return b;
}

/** Upper tail P(F > f) of the F distribution with (df1, df2) degrees of freedom. */
export function fSurvival(f: number, df1: number, df2: number): number {
  if (!(df1 > 0 && df2 > 0)) throw new StatsInputError(`fSurvival needs positive df, got ${df1}, ${df2}`);
  if (!(f > 0)) return 1;
  if (f === Infinity) return 0;
  return regularizedBeta(df2 / (df2 + df1 * f), df2 / 2, df1 / 2);
}
