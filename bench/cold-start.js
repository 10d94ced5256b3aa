// Cold start of the command line (issue 24, item 2): `valuelex --version` and `valuelex <cmd> --help`
// as whole processes, against the floor of starting Node at all (`node -e 0`), and how many modules
// each loads (each command loads only what it uses). Also one command that opens a run database
// (`valuelex lexicon run.db`), for the cost of the store's query builder. Contenders take turns
// every round; medians. Target: --version and --help under 0.15 s.
// Usage: node bench/cold-start.js [rounds]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPopulation } from '../dist/index.js';
import { fmt } from './lib.js';
import { loadAverage, markdownRows, median, writeBenchResults } from './whole-process.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = resolve(here, '..', 'bin', 'valuelex.js');
const ROUNDS = Number(process.argv[2] ?? process.env.BENCH_ROUNDS ?? 15);
const work = mkdtempSync(join(tmpdir(), 'vlx-bench-cold-'));

// A small finished run database for the store-opening command (simulated answers, in process).
writeFileSync(join(work, 'study.yaml'), `name: cold\nstore: ${join(work, 'run.db')}\nmodels:\n  - {name: m, provider: simulated, model: sim/${defaultPopulation().models[0].name}}\nelicit: {prompts: [fp-list-core], samples: 2}\n`);
const made = spawnSync(process.execPath, [bin, 'run', join(work, 'study.yaml'), '--stages', 'elicit', '--json'], { encoding: 'utf8' });
if (made.status !== 0) throw new Error(`could not make the run database: ${made.stderr}`);

const contenders = {
  'node -e 0': ['-e', '0'],
  'valuelex --version': [bin, '--version'],
  'valuelex --help': [bin, '--help'],
  'valuelex run --help': [bin, 'run', '--help'],
  'valuelex stats efa --help': [bin, 'stats', 'efa', '--help'],
  'valuelex report --help': [bin, 'report', '--help'],
  'valuelex lexicon run.db': [bin, 'lexicon', join(work, 'run.db'), '--json'],
};

// Modules each command resolves (a resolve hook writing every URL to a file).
const recorder = join(work, 'recorder.mjs');
writeFileSync(
  recorder,
  `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(\`import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); if (!r.url.startsWith('node:')) appendFileSync(process.env.BENCH_IMPORTS, r.url + '\\\\n'); return r; }\`));\n`,
);
const modules = {};
for (const [name, args] of Object.entries(contenders)) {
  const file = join(work, 'imports.txt');
  writeFileSync(file, '');
  const r = spawnSync(process.execPath, ['--import', recorder, ...args], { env: { ...process.env, BENCH_IMPORTS: file }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
  modules[name] = new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean)).size;
}

const times = Object.fromEntries(Object.keys(contenders).map((n) => [n, []]));
const names = Object.keys(contenders);
const loadBefore = loadAverage();
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, contenders[name], { stdio: ['ignore', 'ignore', 'pipe'] });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
    times[name].push(wall);
  }
}
const loadAfter = loadAverage();
rmSync(work, { recursive: true, force: true });

const floor = median(times['node -e 0']);
const med = Object.fromEntries(names.map((n) => [n, median(times[n])]));
console.log(`\ncold-start: medians of ${ROUNDS} rotating rounds; load ${loadBefore.join(' ')} -> ${loadAfter.join(' ')}`);
console.log('command                        median s  over node -e 0  min s   modules');
for (const n of names) console.log(`${n.padEnd(30)} ${fmt(med[n], 3).padStart(8)} ${fmt(med[n] - floor, 3).padStart(14)} ${fmt(Math.min(...times[n]), 3).padStart(7)} ${String(modules[n]).padStart(9)}`);

const cell = (n) => `${n.replace('valuelex ', '')} ${fmt(med[n], 3)} s (+${fmt(med[n] - floor, 3)}, ${modules[n]} modules)`;
const helps = names.filter((n) => n.endsWith('--help') || n.endsWith('--version'));
const worst = Math.max(...helps.map((n) => med[n]));
const worstOver = Math.max(...helps.map((n) => med[n] - floor));
const rows = [
  {
    method: '`valuelex --version` and `valuelex <cmd> --help` as whole processes; the floor is `node -e 0` on the same machine in the same run',
    peer: '`node -e 0` (starting Node at all)',
    measured: `wall time of the whole process (spawn to exit), medians of ${ROUNDS} rounds, order rotating; modules resolved per command`,
    result: `slowest **${fmt(worst, 3)} s** (target < 0.15 s), at most **+${fmt(worstOver, 3)} s** over node -e 0 (${fmt(floor, 3)} s): ${helps.map(cell).join('; ')}`,
  },
  {
    method: 'a command that opens a run database: `valuelex lexicon run.db --json` (the store and its query builder load)',
    peer: '`node -e 0`',
    measured: `wall time of the whole process, medians of ${ROUNDS} rounds`,
    result: cell('valuelex lexicon run.db'),
  },
];
const doc = writeBenchResults('cold-start', rows, { rounds: ROUNDS, load: { before: loadBefore, after: loadAfter }, medians: med, floor, modules, times }, `load ${loadBefore[0]} at start, ${loadAfter[0]} at end`);
console.log(`\n${markdownRows(doc)}`);
