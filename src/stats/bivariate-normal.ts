/**
 * Bivariate standard normal probabilities: Genz's BVND algorithm (Drezner & Wesolowsky 1990 with
 * Genz's refinements; the code behind mvtnorm/pbivnorm), accurate to about 1e-15 absolute.
 */
import { normalCdf } from './probability.js';

/** Gauss–Legendre nodes (negative half) and weights of an n-point rule, by Newton on P_n. */
function gaussLegendreHalf(n: number): { x: number[]; w: number[] } {
  const x: number[] = [], w: number[] = [];
  for (let i = 1; i <= n / 2; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1, p1 = z;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1; p1 = p2;
      }
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x.push(-z);
    w.push(2 / ((1 - z * z) * dp * dp));
  }
  return { x, w };
}

const RULES = [gaussLegendreHalf(6), gaussLegendreHalf(12), gaussLegendreHalf(20)];
const TWO_PI = 2 * Math.PI;

/** P(X > dh, Y > dk) for standard bivariate normal with correlation r (finite dh, dk). */
function bvnd(dh: number, dk: number, r: number): number {
  const rule = Math.abs(r) < 0.3 ? RULES[0]! : Math.abs(r) < 0.75 ? RULES[1]! : RULES[2]!;
  const { x, w } = rule;
  let h = dh, k = dk, hk = h * k, bvn = 0;
  if (Math.abs(r) < 0.925) {
    const hs = (h * h + k * k) / 2, asr = Math.asin(r);
    for (let i = 0; i < x.length; i++) {
      let sn = Math.sin((asr * (x[i]! + 1)) / 2);
      bvn += w[i]! * Math.exp((sn * hk - hs) / (1 - sn * sn));
      sn = Math.sin((asr * (-x[i]! + 1)) / 2);
      bvn += w[i]! * Math.exp((sn * hk - hs) / (1 - sn * sn));
    }
    return (bvn * asr) / (2 * TWO_PI) + normalCdf(-h) * normalCdf(-k);
  }
  if (r < 0) { k = -k; hk = -hk; }
  if (Math.abs(r) < 1) {
    const as = (1 - r) * (1 + r);
    let a = Math.sqrt(as);
    const bs = (h - k) * (h - k), c = (4 - hk) / 8, d = (12 - hk) / 16;
    bvn = a * Math.exp(-(bs / as + hk) / 2) * (1 - (c * (bs - as) * (1 - (d * bs) / 5)) / 3 + (c * d * as * as) / 5);
    if (hk > -160) {
      const b = Math.sqrt(bs);
      bvn -= Math.exp(-hk / 2) * Math.sqrt(TWO_PI) * normalCdf(-b / a) * b * (1 - (c * bs * (1 - (d * bs) / 5)) / 3);
    }
    a /= 2;
    for (let i = 0; i < x.length; i++) {
      for (const sgn of [-1, 1]) {
        const xs = (a * (sgn * x[i]! + 1)) ** 2, rs = Math.sqrt(1 - xs);
        bvn += a * w[i]! * (Math.exp(-bs / (2 * xs) - hk / (1 + rs)) / rs - Math.exp(-(bs / xs + hk) / 2) * (1 + c * xs * (1 + d * xs)));
      }
    }
    bvn = -bvn / TWO_PI;
  }
  if (r > 0) return bvn + normalCdf(-Math.max(h, k));
  bvn = -bvn;
  if (k > h) bvn += h < 0 ? normalCdf(k) - normalCdf(h) : normalCdf(-h) - normalCdf(-k);
  return bvn;
}

/** P(X <= x, Y <= y) for a standard bivariate normal with correlation rho; infinite limits allowed. */
export function bivariateNormalCdf(x: number, y: number, rho: number): number {
  if (x === -Infinity || y === -Infinity) return 0;
  if (x === Infinity) return y === Infinity ? 1 : normalCdf(y);
  if (y === Infinity) return normalCdf(x);
  return Math.max(0, Math.min(1, bvnd(-x, -y, rho)));
}

/** P(x0 < X <= x1, y0 < Y <= y1). */
export function bivariateNormalRectangle(x0: number, x1: number, y0: number, y1: number, rho: number): number {
  return bivariateNormalCdf(x1, y1, rho) - bivariateNormalCdf(x0, y1, rho) - bivariateNormalCdf(x1, y0, rho) + bivariateNormalCdf(x0, y0, rho);
}

/**
 * bivariateNormalCdf on every point of the grid xs × ys (finite cut points) for one rho: the
 * same arithmetic as the pointwise function (equal bit for bit), with the work that depends only
 * on rho (the quadrature sines) or on one cut point (its normal CDF) done once. Polychoric
 * likelihoods evaluate whole grids at each trial rho, and this is most of their cost.
 * out[a][b] = P(X <= xs[a], Y <= ys[b]).
 */
export function bivariateNormalCdfGrid(xs: readonly number[], ys: readonly number[], rho: number, xCdf?: readonly number[], yCdf?: readonly number[]): number[][] {
  if (!(Math.abs(rho) < 0.925)) return xs.map((x) => ys.map((y) => bivariateNormalCdf(x, y, rho)));
  const px = xCdf ?? xs.map((x) => normalCdf(x)), py = yCdf ?? ys.map((y) => normalCdf(y));
  const rule = Math.abs(rho) < 0.3 ? RULES[0]! : Math.abs(rho) < 0.75 ? RULES[1]! : RULES[2]!;
  const { x: nodes, w } = rule;
  const asr = Math.asin(rho);
  const m = nodes.length;
  const sn = new Float64Array(2 * m), den = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    sn[2 * i] = Math.sin((asr * (nodes[i]! + 1)) / 2);
    sn[2 * i + 1] = Math.sin((asr * (-nodes[i]! + 1)) / 2);
  }
  for (let i = 0; i < 2 * m; i++) den[i] = 1 - sn[i]! * sn[i]!;
  return xs.map((xv, a) => ys.map((yv, b) => {
    const h = -xv, k = -yv, hk = h * k, hs = (h * h + k * k) / 2;
    let bvn = 0;
    for (let i = 0; i < m; i++) {
      bvn += w[i]! * Math.exp((sn[2 * i]! * hk - hs) / den[2 * i]!);
      bvn += w[i]! * Math.exp((sn[2 * i + 1]! * hk - hs) / den[2 * i + 1]!);
    }
    return Math.max(0, Math.min(1, (bvn * asr) / (2 * TWO_PI) + px[a]! * py[b]!));
  }));
}
