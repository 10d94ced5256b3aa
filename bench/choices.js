// Forced-choice inference benchmark (issue 25): coverage of 95% intervals for Bradley-Terry
// log-strengths when each dilemma is asked several times and its answers hang together (the
// dilemma is the sampling unit): with probability `copy` a repeat repeats the dilemma's first
// answer, otherwise it is drawn afresh, so every single answer still follows Davidson's model
// with the planted strengths, but answers within a dilemma are correlated. Wald intervals from
// the observed information treat answers as independent; the bootstrap over dilemmas does not. Also the false-alarm rate
// of the circular-triads test on models that answer at random.
// `node bench/choices.js [datasets]` (default 60; needs `npm run build`).
import { bootstrapBradleyTerry, circularTriads } from '../dist/stats/index.js';
import { createRng } from '../dist/stats/rng.js';

const datasets = Number(process.argv[2] ?? 60);
const theta = [0.8, 0.3, -0.2, -0.9];
const centred = theta.map((t) => t - theta.reduce((s, v) => s + v, 0) / theta.length);

function simulate(rng, units, reps, copy) {
  const out = [];
  for (let u = 0; u < units; u++) {
    const i = rng.int(theta.length);
    let j = rng.int(theta.length - 1);
    if (j >= i) j++;
    const d = (theta[i] - theta[j]) / 2;
    const pi = Math.exp(d), pj = Math.exp(-d), z = pi + pj + 0.5;
    const draw = () => { const x = rng.next() * z; return x < pi ? 'i' : x < pi + pj ? 'j' : 'tie'; };
    const first = draw();
    for (let r = 0; r < reps; r++) out.push({ unit: u, i, j, outcome: r === 0 || rng.next() < copy ? first : draw() });
  }
  return out;
}

console.log(`\nBradley-Terry interval coverage (nominal 95%), ${datasets} data sets per row, 4 values`);
console.log('dilemmas x repeats, copy'.padEnd(38), 'Wald'.padEnd(8), 'bootstrap'.padEnd(10), 'failed resamples');
for (const [units, reps, copy] of [[60, 6, 0], [60, 6, 0.6], [120, 3, 0.6]]) {
  const rng = createRng(units * 10 + reps);
  let wald = 0, boot = 0, total = 0, failed = 0;
  for (let k = 0; k < datasets; k++) {
    const b = bootstrapBradleyTerry(simulate(rng, units, reps, copy), { resamples: 300, seed: k });
    failed += b.failed;
    b.logStrength.forEach((iv, i) => {
      total++;
      if (Math.abs(b.fit.logStrength[i] - centred[i]) < 1.96 * b.fit.se[i]) wald++;
      if (iv.lower < centred[i] && centred[i] < iv.upper) boot++;
    });
  }
  console.log(`${units} x ${reps}, ${copy}`.padEnd(38), (wald / total).toFixed(3).padEnd(8), (boot / total).toFixed(3).padEnd(10), failed);
}

const rng = createRng(9);
let rejected = 0;
const tournaments = 400;
for (let k = 0; k < tournaments; k++) {
  const cmp = [];
  for (let a = 0; a < 10; a++) for (let b = a + 1; b < 10; b++) cmp.push({ i: a, j: b, outcome: rng.next() < 0.5 ? 'i' : 'j' });
  if (circularTriads(cmp, { permutations: 500, seed: k }).p < 0.05) rejected++;
}
console.log(`\nCircular-triads test on ${tournaments} random tournaments of 10 values: p < .05 in ${(100 * rejected / tournaments).toFixed(1)}% (nominal 5%, conservative)`);
