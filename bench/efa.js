// EFA benchmark (issue 3): minres + oblimin with the number of factors from parallel analysis
// (100 iterations) on synthetic data of 2,000 respondents x 200 items with a planted 8-factor
// structure, against the same job in R psych (fa.parallel + fa) when Rscript is available.
// Each side is timed as a whole process, including reading the same CSV; runs alternate between
// the two sides and the medians are compared.
// Usage: node bench/efa.js [repetitions=3] [n=2000] [p=200]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, rVersion, timed, writePlantedFactorCsv, writeResults } from './lib.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const REPS = Number(process.argv[2] ?? 3);
const N = Number(process.argv[3] ?? 2000);
const P = Number(process.argv[4] ?? 200);
const K = 8;
const work = mkdtempSync(join(tmpdir(), 'vlx-efa-bench-'));
try {
  const csv = join(work, 'data.csv');
  await writePlantedFactorCsv(csv, N, P, K);
  const script = join(work, 'efa.mjs');
  writeFileSync(script, `
import { readItemCsv } from ${JSON.stringify(join(here, '../dist/core/csv.js'))};
import { pearsonPairwise, parallelAnalysis, fa } from ${JSON.stringify(join(here, '../dist/stats/index.js'))};
const t = readItemCsv(process.argv[2]);
const r = pearsonPairwise(t.rows);
const pa = parallelAnalysis({ r, n: t.rows.length }, { iter: 100, seed: 1, fa: 'fa' });
const res = fa(r, { nfactors: pa.nfact, fm: 'minres', rotate: 'oblimin', nObs: t.rows.length });
console.log(JSON.stringify({ nfact: pa.nfact, rmsr: res.fit.rmsr }));
`);
  const rs = join(work, 'efa.R');
  writeFileSync(rs, `suppressPackageStartupMessages({library(psych); library(GPArotation)})
x <- read.csv(commandArgs(TRUE)[1])
set.seed(1)
pa <- fa.parallel(x, fa = "fa", n.iter = 100, plot = FALSE)
f <- fa(x, nfactors = pa$nfact, fm = "minres", rotate = "oblimin")
cat(pa$nfact, f$rms, "\\n")
`);
  const hasR = rVersion() !== null;
  const cpu = (t) => t.user + t.sys;
  const ours = [], theirs = [];
  let oursOut, rOut;
  for (let rep = 0; rep < REPS; rep++) {
    for (const side of rep % 2 === 0 ? ['r', 'ours'] : ['ours', 'r']) {
      if (side === 'ours') {
        const t = await timed(process.execPath, [script, csv]);
        oursOut = JSON.parse(t.stdout.trim());
        ours.push(t);
      } else if (hasR) {
        const t = await timed('Rscript', [rs, csv]);
        rOut = t.stdout.trim().split('\n').pop().trim().split(/\s+/).map(Number);
        theirs.push(t);
      }
    }
  }
  const summary = (ts) => ({ wall: median(ts.map((t) => t.wall)), cpu: median(ts.map(cpu)), peakMB: median(ts.map((t) => t.peakMB)) });
  const o = summary(ours);
  console.log(`\nEFA benchmark: ${N} x ${P}, planted ${K} factors; parallel analysis (100 iterations) + minres/oblimin; medians of ${REPS} alternating runs`);
  console.log(`valuelex: ${fmt(o.wall)} s wall, ${fmt(o.cpu)} s CPU, peak ${fmt(o.peakMB, 0)} MB; factors ${oursOut.nfact}, RMSR ${fmt(oursOut.rmsr, 4)}`);
  let result = `valuelex ${fmt(o.wall)} s wall, ${fmt(o.cpu)} s CPU (no R here)`;
  if (hasR) {
    const r = summary(theirs);
    const [rn, rrms] = rOut;
    console.log(`R psych:  ${fmt(r.wall)} s wall, ${fmt(r.cpu)} s CPU, peak ${fmt(r.peakMB, 0)} MB; factors ${rn}, RMSR ${fmt(rrms, 4)}`);
    console.log(`ratio R/valuelex: wall ${fmt(r.wall / o.wall)}x, CPU ${fmt(r.cpu / o.cpu)}x`);
    result = `R/valuelex: wall **${fmt(r.wall / o.wall)}x**, CPU **${fmt(r.cpu / o.cpu)}x** (valuelex ${fmt(o.wall)} s / ${fmt(o.cpu)} s CPU, R ${fmt(r.wall)} s / ${fmt(r.cpu)} s CPU); factors ${oursOut.nfact} vs ${rn}, RMSR ${fmt(oursOut.rmsr, 4)} vs ${fmt(rrms, 4)}`;
  } else console.log('Rscript not found: R comparison skipped');
  writeResults('efa', [
    {
      method: `parallel analysis (100 iterations) + minres/oblimin on a ${N.toLocaleString('en')} x ${P} CSV (planted ${K} factors)`,
      peer: 'R psych `fa.parallel` + `fa`',
      measured: `whole processes (read, correlate, simulate, fit, rotate); medians of ${REPS} alternating runs`,
      result,
    },
  ]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
