// Factor-count benchmark (issue 19): how often parallel analysis recovers a planted number of
// factors on ordinal and binary data, with the old null (normal Pearson data, 20 iterations,
// the taxonomy's fa-only call that compares with the null means) against the data-based null
// (each column permuted, the same polychoric/tetrachoric correlation, 100 iterations, 95th
// percentile), beside MAP; and how often each finds 0-1 factors in data without structure.
// `node bench/factor-count.js [replications]` (default 10 per condition; needs `npm run build`).
import { factorCountEvidence, parallelAnalysis, polychoric, tetrachoric, simulateFactorData, simpleStructure } from '../dist/stats/index.js';

const reps = Number(process.argv[2] ?? 10);
const poly = (d) => polychoric(d).rho;
const tet = (d) => tetrachoric(d).rho;
const phi = [[1, 0.3, 0.3], [0.3, 1, 0.3], [0.3, 0.3, 1]];
const skewed5 = (j) => [-2.2 + 0.1 * (j % 3), -1.4, -0.5, 0.6 + 0.1 * (j % 4)];
const rareBinary = (j) => [0.3 + 0.25 * (j % 5)];
const conditions = [
  { name: '5-point, 3 x 6 items, n 400, loading .6', per: 6, lam: 0.6, n: 400, cuts: skewed5, cor: poly, factors: 3 },
  { name: '5-point, 3 x 8 items, n 200, loading .5', per: 8, lam: 0.5, n: 200, cuts: skewed5, cor: poly, factors: 3 },
  { name: 'binary, 3 x 5 items, n 400, loading .6', per: 5, lam: 0.6, n: 400, cuts: rareBinary, cor: tet, factors: 3 },
  { name: 'binary, 3 x 8 items, n 300, loading .6', per: 8, lam: 0.6, n: 300, cuts: rareBinary, cor: tet, factors: 3 },
  { name: 'binary, 12 items, no structure, n 300', per: 4, lam: 0, n: 300, cuts: rareBinary, cor: tet, factors: 0 },
  { name: '5-point, 12 items, no structure, n 300', per: 4, lam: 0, n: 300, cuts: skewed5, cor: poly, factors: 0 },
];

const share = (xs, ok) => `${xs.filter(ok).length}/${xs.length}`;
console.log(`\nFactor-count benchmark: ${reps} replications per condition`);
console.log('condition'.padEnd(42), 'old null'.padEnd(22), 'permutation'.padEnd(22), 'MAP'.padEnd(22), 'sec');
for (const c of conditions) {
  const loadings = simpleStructure(3, c.per, c.lam);
  const thresholds = loadings.map((_, j) => c.cuts(j));
  const old = [], perm = [], map = [];
  const t0 = performance.now();
  for (let rep = 0; rep < reps; rep++) {
    const data = simulateFactorData({ n: c.n, loadings, phi, thresholds, seed: 5000 + rep });
    const ev = factorCountEvidence(data, { correlation: c.cor, seed: rep });
    old.push(parallelAnalysis({ r: ev.r, n: c.n }, { iter: 20, fa: 'fa', seed: rep }).nfact);
    perm.push(ev.counts.parallelFactors);
    map.push(ev.counts.map);
  }
  const ok = c.factors === 0 ? (k) => k <= 1 : (k) => k === c.factors;
  const what = c.factors === 0 ? '<= 1' : `= ${c.factors}`;
  const cell = (xs) => `${share(xs, ok)} ${what} [${Math.min(...xs)}-${Math.max(...xs)}]`.padEnd(22);
  console.log(c.name.padEnd(42), cell(old), cell(perm), cell(map), ((performance.now() - t0) / 1000).toFixed(0));
}
