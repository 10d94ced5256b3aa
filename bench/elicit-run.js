// The engine against the floor and a peer (issue 24, item 1): the same ~2,000 elicit requests to the
// same zero-latency OpenAI-compatible mock server (bench/mock-openai.js, its own process), sent by
//   bare       bench/bare-client.js: plain fetch, concurrency 16, one JSON.parse per answer (the floor)
//   valuelex   `valuelex run study.yaml --stages elicit` on 1 model x 18 prompts x 111 samples,
//              concurrency 16 (a fresh run database each time: every request is sent, every answer
//              stored, parsed, normalized and counted into the lexicon)
//   promptfoo  `promptfoo eval` on the same prompts x 111, concurrency 16, its cache off
// each as a whole process under GNU time (wall, user + sys CPU, peak RSS). The contenders take turns,
// the order rotating every round, and medians are compared. Targets: valuelex/bare wall <= 1.5,
// promptfoo/valuelex wall >= 10.
// Usage: node bench/elicit-run.js [rounds]   (BENCH_NO_PROMPTFOO=1 leaves promptfoo out)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPromptBank } from '../dist/index.js';
import { fmt, timed } from './lib.js';
import { loadAverage, markdownRows, median, startMockServer, writeBenchResults } from './whole-process.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const ROUNDS = Number(process.argv[2] ?? process.env.BENCH_ROUNDS ?? 5);
const SAMPLES = 111;
const CONCURRENCY = 16;
const MODEL = 'sim/sim-atlas-8b-rlhf';
const PROMPTFOO_VERSION = '0.121.20';
const bin = resolve(here, '..', 'bin', 'valuelex.js');

function ensurePromptfoo() {
  if (process.env.BENCH_NO_PROMPTFOO === '1') return undefined;
  const peers = resolve(here, '.peers');
  const exe = join(peers, 'node_modules', '.bin', 'promptfoo');
  if (existsSync(exe)) return exe;
  process.stderr.write(`installing promptfoo@${PROMPTFOO_VERSION} into bench/.peers (once)...\n`);
  const r = spawnSync('npm', ['install', '--prefix', peers, '--no-audit', '--no-fund', `promptfoo@${PROMPTFOO_VERSION}`], { stdio: 'inherit' });
  return r.status === 0 && existsSync(exe) ? exe : undefined;
}

const prompts = loadPromptBank().prompts.map((p) => p.text);
const N = prompts.length * SAMPLES;
const promptfoo = ensurePromptfoo();
const server = await startMockServer();
const work = mkdtempSync(join(tmpdir(), 'vlx-bench-elicit-run-'));
const promptsFile = join(work, 'prompts.json');
writeFileSync(promptsFile, JSON.stringify(prompts));

const contenders = {
  bare: async () => {
    const t = await timed(process.execPath, [join(here, 'bare-client.js'), server.baseUrl, promptsFile, String(SAMPLES), String(CONCURRENCY)]);
    return { ...t, requests: JSON.parse(t.stdout.trim().split('\n').pop()).requests };
  },
  valuelex: async (round) => {
    const dir = join(work, `vlx-${round}`);
    const study = join(dir, 'study.yaml');
    spawnSync('mkdir', ['-p', dir]);
    writeFileSync(
      study,
      [
        'name: bench-elicit',
        `store: ${join(dir, 'run.db')}`,
        'models:',
        '  - name: m',
        '    provider: openai',
        `    model: ${MODEL}`,
        `    base_url: ${server.baseUrl}`,
        `    concurrency: ${CONCURRENCY}`,
        `elicit: {prompts: all, samples: ${SAMPLES}}`,
        '',
      ].join('\n'),
    );
    const t = await timed(process.execPath, [bin, 'run', study, '--stages', 'elicit', '--json'], { cwd: dir });
    const out = JSON.parse(t.stdout);
    const summary = out.stages[0].summary;
    rmSync(dir, { recursive: true, force: true });
    return { ...t, requests: summary.responses, terms: summary.terms, descriptors: summary.descriptors };
  },
  ...(promptfoo
    ? {
        promptfoo: async (round) => {
          const dir = join(work, `pf-${round}`);
          spawnSync('mkdir', ['-p', dir]);
          const tests = [];
          for (const p of prompts) for (let s = 0; s < SAMPLES; s++) tests.push(`  - vars: {q: ${JSON.stringify(p)}}`);
          const cfg = join(dir, 'promptfooconfig.yaml');
          writeFileSync(
            cfg,
            `prompts: ["{{q}}"]\nproviders:\n  - id: openai:chat:${MODEL}\n    config: {apiBaseUrl: "${server.baseUrl}", apiKey: "not-needed", temperature: 1, max_tokens: 400}\ntests:\n${tests.join('\n')}\n`,
          );
          const env = {
            ...process.env,
            PROMPTFOO_CACHE_ENABLED: 'false',
            PROMPTFOO_CACHE_PATH: join(dir, 'cache'),
            PROMPTFOO_CONFIG_DIR: join(dir, 'config'),
            PROMPTFOO_DISABLE_TELEMETRY: '1',
            PROMPTFOO_DISABLE_UPDATE: '1',
            PROMPTFOO_DISABLE_SHARING: '1',
            OPENAI_API_KEY: 'not-needed',
          };
          const t = await timed(promptfoo, ['eval', '-c', cfg, '-j', String(CONCURRENCY), '--no-cache', '--no-table', '--no-progress-bar', '-o', join(dir, 'out.json')], { env, cwd: dir });
          rmSync(dir, { recursive: true, force: true });
          return { ...t, requests: tests.length };
        },
      }
    : {}),
};

const names = Object.keys(contenders);
const runs = Object.fromEntries(names.map((n) => [n, []]));
const loadBefore = loadAverage();
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so that a burst of outside load falls on every contender alike.
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const before = await server.served();
      const r = await contenders[name](round);
      const served = (await server.served()) - before;
      if (served !== N || r.requests !== N) throw new Error(`${name}: ${served} requests served, ${r.requests} answers reported; expected ${N}`);
      const { stdout: _o, stderr: _e, ...figures } = r;
      runs[name].push({ round, ...figures, cpu: r.user + r.sys, load1: loadAverage()[0] });
      process.stderr.write(`round ${round + 1}/${ROUNDS} ${name.padEnd(9)} wall ${fmt(r.wall)} s  cpu ${fmt(r.user + r.sys)} s  peak ${fmt(r.peakMB, 0)} MB\n`);
    }
  }
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
const loadAfter = loadAverage();

const med = Object.fromEntries(names.map((n) => [n, { wall: median(runs[n].map((r) => r.wall)), cpu: median(runs[n].map((r) => r.cpu)), peakMB: median(runs[n].map((r) => r.peakMB)) }]));
const v = med.valuelex;
const b = med.bare;
const p = med.promptfoo;
const ratios = {
  valuelex_over_bare: { wall: v.wall / b.wall, cpu: v.cpu / b.cpu, peak: v.peakMB / b.peakMB },
  ...(p ? { promptfoo_over_valuelex: { wall: p.wall / v.wall, cpu: p.cpu / v.cpu, peak: p.peakMB / v.peakMB } } : {}),
};
// The ratio within each round too: it cancels load that lasted one round.
const perRound = runs.valuelex.map((r, i) => ({ round: i, valuelex_over_bare: r.wall / runs.bare[i].wall, ...(p ? { promptfoo_over_valuelex: runs.promptfoo[i].wall / r.wall } : {}) }));

console.log(`\nelicit-run: ${N} requests (18 prompts x ${SAMPLES} samples), concurrency ${CONCURRENCY}, zero-latency mock server; medians of ${ROUNDS} rotating rounds; load ${loadBefore.join(' ')} -> ${loadAfter.join(' ')}`);
console.log('contender   wall s   cpu s   peak MB   req/s');
for (const n of names) console.log(`${n.padEnd(10)} ${fmt(med[n].wall).padStart(7)} ${fmt(med[n].cpu).padStart(7)} ${fmt(med[n].peakMB, 0).padStart(8)} ${fmt(N / med[n].wall, 0).padStart(7)}`);
console.log(`valuelex/bare: wall ${fmt(ratios.valuelex_over_bare.wall)}x (target <= 1.5x), CPU ${fmt(ratios.valuelex_over_bare.cpu)}x, peak memory ${fmt(ratios.valuelex_over_bare.peak)}x`);
if (p) console.log(`promptfoo/valuelex: wall ${fmt(ratios.promptfoo_over_valuelex.wall)}x (target >= 10x), CPU ${fmt(ratios.promptfoo_over_valuelex.cpu)}x, peak memory ${fmt(ratios.promptfoo_over_valuelex.peak)}x`);
console.log(`per-round valuelex/bare wall: ${perRound.map((r) => fmt(r.valuelex_over_bare)).join(', ')}${p ? `; promptfoo/valuelex: ${perRound.map((r) => fmt(r.promptfoo_over_valuelex)).join(', ')}` : ''}`);

const method = `${N} elicit requests (1 model x 18 prompts x ${SAMPLES} samples), concurrency 16, zero-latency OpenAI-compatible mock server in its own process; \`valuelex run --stages elicit\` on a fresh run database (send, store, parse, lexicon)`;
const measured = `whole processes under GNU time: wall, CPU, peak RSS; medians of ${ROUNDS} rounds, order rotating`;
const rows = [
  {
    method,
    peer: 'bare fetch client (the floor: fetch + JSON.parse, nothing stored)',
    measured,
    result: `valuelex/bare: wall **${fmt(ratios.valuelex_over_bare.wall)}x** (target <= 1.5x), CPU ${fmt(ratios.valuelex_over_bare.cpu)}x (valuelex ${fmt(v.wall)} s / ${fmt(v.cpu)} s CPU / ${fmt(v.peakMB, 0)} MB; bare ${fmt(b.wall)} s / ${fmt(b.cpu)} s CPU / ${fmt(b.peakMB, 0)} MB)`,
  },
  ...(p
    ? [
        {
          method,
          peer: `promptfoo ${PROMPTFOO_VERSION} (\`eval --no-cache -j 16\`)`,
          measured,
          result: `promptfoo/valuelex: wall **${fmt(ratios.promptfoo_over_valuelex.wall)}x** (target >= 10x), CPU ${fmt(ratios.promptfoo_over_valuelex.cpu)}x, peak memory ${fmt(ratios.promptfoo_over_valuelex.peak)}x (promptfoo ${fmt(p.wall)} s / ${fmt(p.cpu)} s CPU / ${fmt(p.peakMB, 0)} MB)`,
        },
      ]
    : []),
];
const doc = writeBenchResults('elicit-run', rows, { requests: N, rounds: ROUNDS, load: { before: loadBefore, after: loadAfter }, medians: med, ratios, perRound, runs }, `load ${loadBefore[0]} at start, ${loadAfter[0]} at end`);
console.log(`\n${markdownRows(doc)}`);
