// EFA benchmark (issue 3): minres + oblimin with the number of factors from parallel analysis
// (100 iterations) on synthetic data of 2,000 respondents x 200 items with a planted 8-factor
// structure, against the same job in R psych (fa.parallel + fa) when Rscript is available.
// Each side is timed as a whole process, including reading the same CSV.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../dist/stats/rng.js';
import { fmt, timed } from './lib.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const N = Number(process.argv[2] ?? 2000);
const P = Number(process.argv[3] ?? 200);
const K = 8;
const work = mkdtempSync(join(tmpdir(), 'vlx-efa-bench-'));
const rng = createRng(11);
const rows = [];
for (let i = 0; i < N; i++) {
  const f = Array.from({ length: K }, () => rng.normal());
  rows.push(Array.from({ length: P }, (_, j) => (0.6 * f[j % K] + 0.8 * rng.normal()).toFixed(4)));
}
const csv = join(work, 'data.csv');
writeFileSync(csv, [Array.from({ length: P }, (_, j) => `i${j + 1}`).join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');

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
try {
  const ours = await timed(process.execPath, [script, csv]);
  const oursOut = JSON.parse(ours.stdout.trim());
  console.log(`\nEFA benchmark: ${N} x ${P}, planted ${K} factors; parallel analysis (100 iterations) + minres/oblimin`);
  console.log(`valuelex: ${fmt(ours.wall)} s wall, ${fmt(ours.user + ours.sys)} s CPU, peak ${fmt(ours.peakMB, 0)} MB; factors ${oursOut.nfact}, RMSR ${fmt(oursOut.rmsr, 4)}`);
  const hasR = spawnSync('Rscript', ['--version']).status === 0;
  if (hasR) {
    const rs = join(work, 'efa.R');
    writeFileSync(rs, `suppressPackageStartupMessages({library(psych); library(GPArotation)})
x <- read.csv(commandArgs(TRUE)[1])
set.seed(1)
pa <- fa.parallel(x, fa = "fa", n.iter = 100, plot = FALSE)
f <- fa(x, nfactors = pa$nfact, fm = "minres", rotate = "oblimin")
cat(pa$nfact, f$rms, "\\n")
`);
    const r = await timed('Rscript', [rs, csv]);
    const [rn, rrms] = r.stdout.trim().split("\n").pop().trim().split(/\s+/).map(Number);
    console.log(`R psych:  ${fmt(r.wall)} s wall, ${fmt(r.user + r.sys)} s CPU, peak ${fmt(r.peakMB, 0)} MB; factors ${rn}, RMSR ${fmt(rrms, 4)}`);
    console.log(`ratio R/valuelex: wall ${fmt(r.wall / ours.wall)}x, CPU ${fmt((r.user + r.sys) / (ours.user + ours.sys))}x`);
  } else console.log('Rscript not found: R comparison skipped');
} finally {
  rmSync(work, { recursive: true, force: true });
}
