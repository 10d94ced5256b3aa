// Calibration of the WLSMV scaled-shifted test (issue 19), the heavy version of the check in
// test/stats/cfa-wlsmv.test.ts: rejection rates under true models (should be near alpha) and
// under a misspecified one (power), with time per fit.
//   npm run bench -- cfa-wlsmv-null            (default 1000 replications per design)
//   node bench/cfa-wlsmv-null.js 300           (fewer)
import { cfaWlsmv } from '../dist/stats/index.js';
import { createRng } from '../dist/stats/rng.js';

const R = Number(process.argv[2] ?? 1000);

/** Ordinal data from y* = Λf + e (unit variances), cut at the given thresholds. */
function simulate(rng, n, lambda, phi, cuts) {
  const m = phi.length;
  const C = phi.map((row) => row.map(() => 0));
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) {
    let s = phi[i][j];
    for (let k = 0; k < j; k++) s -= C[i][k] * C[j][k];
    C[i][j] = i === j ? Math.sqrt(s) : s / C[j][j];
  }
  const uniq = lambda.map((row) => Math.sqrt(1 - row.reduce((s, a, k) => s + row.reduce((t, b, l) => t + a * phi[k][l] * b, 0), 0)));
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: m }, () => rng.normal());
    const f = C.map((row) => row.reduce((s, c, k) => s + c * z[k], 0));
    return lambda.map((row, i) => {
      const y = row.reduce((s, l, k) => s + l * f[k], 0) + uniq[i] * rng.normal();
      return cuts[i].filter((c) => y > c).length;
    });
  });
}

const twoBy4 = [[0.8, 0], [0.7, 0], [0.6, 0], [0.7, 0], [0, 0.75], [0, 0.65], [0, 0.7], [0, 0.55]];
const threeBy3 = [[0.8, 0, 0], [0.7, 0, 0], [0.6, 0, 0], [0, 0.75, 0], [0, 0.65, 0], [0, 0.7, 0], [0, 0, 0.6], [0, 0, 0.7], [0, 0, 0.8]];
const phi2 = [[1, 0.4], [0.4, 1]];
const phi3 = [[1, 0.5, 0.3], [0.5, 1, 0.4], [0.3, 0.4, 1]];
const factorsOf = (lambda) => lambda[0].map((_, k) => ({ name: `F${k + 1}`, items: lambda.flatMap((row, i) => (row[k] !== 0 ? [i] : [])) }));

const designs = [
  { name: 'binary, 8 items, 2 factors, N = 250 (true)', n: 250, lambda: twoBy4, phi: phi2, cuts: [-0.5, 0, 0.3, 0.8, -1, -0.2, 0.4, 1.1].map((c) => [c]), model: { factors: factorsOf(twoBy4) } },
  { name: '5 categories, 9 items, 3 factors, N = 500 (true)', n: 500, lambda: threeBy3, phi: phi3, cuts: threeBy3.map((_, i) => [-1.5 + 0.05 * i, -0.5, 0.5, 1.4 - 0.05 * i]), model: { factors: factorsOf(threeBy3) } },
  { name: '4 categories, 8 items, 2 factors (r = .3) fitted with 1 factor, N = 300 (misspecified)', n: 300, lambda: twoBy4, phi: [[1, 0.3], [0.3, 1]], cuts: twoBy4.map(() => [-1, 0, 1]), model: { factors: [{ name: 'G', items: [0, 1, 2, 3, 4, 5, 6, 7] }] }, misspecified: true },
];

for (const d of designs) {
  const rng = createRng(2024);
  const p = [];
  let failed = 0;
  const t0 = performance.now();
  for (let r = 0; r < R; r++) {
    try {
      p.push(cfaWlsmv(simulate(rng, d.n, d.lambda, d.phi, d.cuts), d.model).fit.pvalueScaled);
    } catch {
      failed++;
    }
  }
  const ms = (performance.now() - t0) / R;
  const rate = (a) => p.filter((x) => x < a).length / p.length;
  const se = (a) => Math.sqrt((a * (1 - a)) / p.length);
  console.log(`\n${d.name}: ${p.length} fits (${failed} failed), ${ms.toFixed(1)} ms/fit`);
  for (const a of [0.01, 0.05, 0.1]) {
    const note = d.misspecified ? 'power' : `nominal ${100 * a}% ± ${(196 * se(a)).toFixed(1)} for a calibrated test`;
    console.log(`  rejection at ${a}: ${(100 * rate(a)).toFixed(1)}%   (${note})`);
  }
}
