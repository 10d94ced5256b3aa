// Memory flat in the number of requests (issue 24, item 1): `valuelex run --stages elicit` on one
// model x 18 prompts at ~2,000, ~10,000 and ~50,000 requests against the zero-latency mock server
// (bench/mock-openai.js), each a whole process under GNU time: peak resident memory, wall, CPU.
// Then the largest size once more in process (bench/elicit-memory-client.js) for the live heap
// after a full collection at each quarter of the run: peak RSS also counts garbage the collector
// has not reclaimed yet, the live heap is what the run holds.
// Usage: node bench/elicit-memory.js [requests ...]   (default 2000 10000 50000; BENCH_LIVE_N sets the in-process size)
import { mkdirSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { fmt, timed } from './lib.js';
import { loadAverage, markdownRows, startMockServer, writeBenchResults } from './whole-process.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = resolve(here, '..', 'bin', 'valuelex.js');
const PROMPTS = 18;
const sizes = (process.argv.length > 2 ? process.argv.slice(2) : ['2000', '10000', '50000']).map(Number);
const server = await startMockServer();
const work = mkdtempSync(join(tmpdir(), 'vlx-bench-memory-'));
const loadBefore = loadAverage();
const runs = [];
let live;
try {
  for (const size of sizes) {
    const samples = Math.round(size / PROMPTS);
    const dir = join(work, `n${size}`);
    mkdirSync(dir, { recursive: true });
    const study = join(dir, 'study.yaml');
    writeFileSync(study, `name: bench-memory\nstore: ${join(dir, 'run.db')}\nmodels:\n  - {name: m, provider: openai, model: sim/sim-atlas-8b-rlhf, base_url: "${server.baseUrl}", concurrency: 16}\nelicit: {prompts: all, samples: ${samples}}\n`);
    const before = await server.served();
    const t = await timed(process.execPath, [bin, 'run', study, '--stages', 'elicit', '--json'], { cwd: dir });
    const served = (await server.served()) - before;
    const summary = JSON.parse(t.stdout).stages[0].summary;
    if (served !== PROMPTS * samples || summary.responses !== served) throw new Error(`n=${size}: ${served} served, ${summary.responses} stored`);
    runs.push({ requests: served, wall: t.wall, cpu: t.user + t.sys, peakMB: t.peakMB, terms: summary.terms });
    process.stderr.write(`${served} requests: wall ${fmt(t.wall)} s, cpu ${fmt(t.user + t.sys)} s, peak ${fmt(t.peakMB, 0)} MB\n`);
    rmSync(dir, { recursive: true, force: true });
  }
  const liveN = Number(process.env.BENCH_LIVE_N ?? Math.max(...sizes));
  const liveDir = join(work, 'live');
  mkdirSync(liveDir, { recursive: true });
  const child = await timed(process.execPath, ['--expose-gc', join(here, 'elicit-memory-client.js'), server.baseUrl, String(liveN), liveDir]);
  live = JSON.parse(child.stdout.trim().split('\n').pop());
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
const loadAfter = loadAverage();
const first = runs[0];
const last = runs[runs.length - 1];
// Growth of peak memory per 10,000 more requests, between the smallest and largest run.
const slope = runs.length > 1 ? ((last.peakMB - first.peakMB) / (last.requests - first.requests)) * 10_000 : NaN;
console.log(`\nelicit-memory: valuelex run --stages elicit, 1 model x ${PROMPTS} prompts, zero-latency mock server; load ${loadBefore.join(' ')} -> ${loadAfter.join(' ')}`);
console.log('requests   peak MB   wall s   cpu s   req/s');
for (const r of runs) console.log(`${String(r.requests).padStart(8)} ${fmt(r.peakMB, 0).padStart(9)} ${fmt(r.wall).padStart(8)} ${fmt(r.cpu).padStart(7)} ${fmt(r.requests / r.wall, 0).padStart(7)}`);
console.log(`peak memory grows ${fmt(slope, 1)} MB per 10,000 requests (${first.requests} -> ${last.requests}: ${fmt(first.peakMB, 0)} -> ${fmt(last.peakMB, 0)} MB)`);
const liveCell = live.live.map((x) => `${fmt(x.heapMB, 0)}`).join(' / ');
console.log(`live heap after a full collection at 25/50/75/100% of ${live.requests} requests (in process): ${liveCell} MB`);
const doc = writeBenchResults(
  'elicit-memory',
  [
    {
      method: `\`valuelex run --stages elicit\`, 1 model x ${PROMPTS} prompts at ${runs.map((r) => r.requests.toLocaleString('en-US')).join(' / ')} requests, zero-latency mock server, fresh run database each`,
      peer: 'none (flat in the number of requests)',
      measured: 'peak RSS of the whole process under GNU time; wall',
      result: `peak RSS ${runs.map((r) => `${fmt(r.peakMB, 0)} MB`).join(' / ')} (${fmt(slope, 1)} MB per 10,000 requests, garbage not yet collected included); live heap after a full collection at 25/50/75/100% of ${live.requests.toLocaleString('en-US')} requests **${liveCell} MB**; ${runs.map((r) => `${fmt(r.requests / r.wall, 0)} req/s`).join(' / ')}`,
    },
  ],
  { runs, live, load: { before: loadBefore, after: loadAfter } },
  `load ${loadBefore[0]} at start, ${loadAfter[0]} at end`,
);
console.log(`\n${markdownRows(doc)}`);
