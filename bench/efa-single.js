// Single-EFA benchmark (issue 24, item 3): `valuelex stats efa` (minres + oblimin, 8 factors) on a
// 2,000 x 200 CSV with a planted 8-factor structure, against R psych doing the same job, each as a
// whole process: read the CSV, correlate, fit, rotate, print. The sides take turns (the order
// rotates each repetition) so that the load of a shared machine falls on all alike, and medians of
// wall and CPU (user + sys) time are compared. The loadings are compared up to factor order and
// sign.
//
// The command line loads only the command it runs (src/cli/commands declare, src/cli/actions
// work). Each side's start-up alone (printing the command's help; for R, loading psych and
// GPArotation) is timed too, so that module loading and the work itself can be told apart.
//
// Usage: node bench/efa-single.js [repetitions=7] [n=2000] [p=200]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, rVersion, timed, writePlantedFactorCsv, writeResults } from './lib.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const REPS = Number(process.argv[2] ?? 7);
const N = Number(process.argv[3] ?? 2000);
const P = Number(process.argv[4] ?? 200);
const K = 8;

const work = mkdtempSync(join(tmpdir(), 'vlx-efa1-bench-'));
try {
  const csv = join(work, 'data.csv');
  await writePlantedFactorCsv(csv, N, P, K);
  const efaArgs = ['stats', 'efa', '--input', csv, '--nfactors', String(K), '--fm', 'minres', '--rotate', 'oblimin', '--json'];
  const rScript = join(work, 'efa.R');
  writeFileSync(rScript, `suppressPackageStartupMessages({library(psych); library(GPArotation)})
x <- read.csv(commandArgs(TRUE)[1])
f <- fa(x, nfactors = ${K}, fm = "minres", rotate = "oblimin")
write.csv(unclass(f$loadings))
`);
  const sides = {
    cli: { label: 'valuelex (bin/valuelex.js)', run: [process.execPath, [join(here, '../bin/valuelex.js'), ...efaArgs]], start: [process.execPath, [join(here, '../bin/valuelex.js'), 'stats', 'efa', '--help']] },
  };
  if (rVersion() !== null) {
    sides.r = { label: 'R psych', run: ['Rscript', [rScript, csv]], start: ['Rscript', ['-e', 'suppressPackageStartupMessages({library(psych); library(GPArotation)})']] };
  }
  const names = Object.keys(sides);
  for (const s of names) Object.assign(sides[s], { runs: [], starts: [], out: '' });
  // One untimed round first: the CSV and the modules into the page cache.
  for (const s of names) sides[s].out = (await timed(...sides[s].run)).stdout;
  for (let rep = 0; rep < REPS; rep++) {
    const order = names.map((_, i) => names[(i + rep) % names.length]);
    for (const s of order) {
      const t = await timed(...sides[s].run);
      sides[s].out = t.stdout;
      sides[s].runs.push(t);
      sides[s].starts.push(await timed(...sides[s].start));
    }
  }
  const cpu = (t) => t.user + t.sys;
  const summary = (ts) => ({ wall: median(ts.map((t) => t.wall)), cpu: median(ts.map(cpu)), peakMB: median(ts.map((t) => t.peakMB)) });
  for (const s of names) Object.assign(sides[s], { total: summary(sides[s].runs), startup: summary(sides[s].starts) });

  console.log(`\nSingle EFA: ${N} x ${P} CSV, planted ${K} factors; minres + oblimin, ${K} factors; whole processes, medians of ${REPS} rotating runs`);
  for (const s of names) {
    const { label, total, startup } = sides[s];
    console.log(`${label.padEnd(30)} ${fmt(total.wall)} s wall, ${fmt(total.cpu)} s CPU, peak ${fmt(total.peakMB, 0)} MB; start-up alone ${fmt(startup.wall)} s wall, ${fmt(startup.cpu)} s CPU`);
  }
  const rows = [];
  const method = `\`stats efa\` minres + oblimin, ${K} factors, on a ${N.toLocaleString('en')} x ${P} CSV (planted ${K} factors)`;
  const measured = `whole processes (read, correlate, fit, rotate, print); medians of ${REPS} rotating runs; start-up = the same process printing its help (R: loading psych)`;
  if (sides.r) {
    const r = sides.r;
    const rLoadings = r.out.trim().split('\n').slice(1).map((line) => line.split(',').slice(1).map(Number));
    for (const s of ['cli']) {
      const v = sides[s];
      const diff = maxLoadingDiff(JSON.parse(v.out).loadings, rLoadings);
      const wall = r.total.wall / v.total.wall, cpuRatio = r.total.cpu / v.total.cpu;
      const work = (r.total.cpu - r.startup.cpu) / (v.total.cpu - v.startup.cpu);
      console.log(`${v.label}: R/valuelex wall ${fmt(wall)}x, CPU ${fmt(cpuRatio)}x; after start-up (CPU) ${fmt(work)}x; loadings max |diff| ${diff.toExponential(1)}`);
      if (diff > 1e-4) console.log('WARNING: the solutions differ by more than 1e-4');
      rows.push({
        method,
        peer: 'R psych `fa` (read.csv, fa, print the loadings)',
        measured,
        result: `R/valuelex: wall **${fmt(wall)}x**, CPU **${fmt(cpuRatio)}x** (valuelex ${fmt(v.total.wall)} s / ${fmt(v.total.cpu)} s CPU, R ${fmt(r.total.wall)} s / ${fmt(r.total.cpu)} s CPU); start-up CPU valuelex ${fmt(v.startup.cpu)} s, R ${fmt(r.startup.cpu)} s; after start-up ${fmt(work)}x; loadings max diff ${diff.toExponential(1)}`,
      });
    }
  } else {
    console.log('Rscript not found: R comparison skipped');
    for (const s of ['cli']) rows.push({ method, peer: 'R psych (not installed here)', measured, result: `valuelex ${fmt(sides[s].total.wall)} s wall, ${fmt(sides[s].total.cpu)} s CPU` });
  }
  writeResults('efa-single', rows);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Largest |a - b| over loadings after matching each column of b to a column of a (order, sign). */
function maxLoadingDiff(a, b) {
  const k = a[0].length;
  const col = (m, j) => m.map((row) => row[j]);
  const used = new Set();
  let worst = 0;
  for (let j = 0; j < k; j++) {
    const y = col(b, j);
    let best = -1, bestCos = -1, sign = 1;
    for (let c = 0; c < k; c++) {
      if (used.has(c)) continue;
      const x = col(a, c);
      const dot = x.reduce((s, v, i) => s + v * y[i], 0);
      const cos = Math.abs(dot) / Math.sqrt(x.reduce((s, v) => s + v * v, 0) * y.reduce((s, v) => s + v * v, 0));
      if (cos > bestCos) [best, bestCos, sign] = [c, cos, Math.sign(dot) || 1];
    }
    used.add(best);
    const x = col(a, best);
    for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(sign * x[i] - y[i]));
  }
  return worst;
}
