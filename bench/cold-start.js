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

/**
 * Times every contender, rotating the order each round. `env` is the environment of the spawned
 * processes.
 */
function measure(env) {
  const times = Object.fromEntries(Object.keys(contenders).map((n) => [n, []]));
  const names = Object.keys(contenders);
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, contenders[name], { stdio: ['ignore', 'ignore', 'pipe'], env });
      const wall = (performance.now() - t0) / 1000;
      if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
      times[name].push(wall);
    }
  }
  const floor = median(times['node -e 0']);
  const med = Object.fromEntries(names.map((n) => [n, median(times[n])]));
  return { times, floor, med };
}

// NODE_EXTRA_CA_CERTS makes Node read and parse the named certificate bundle before running any
// code (some 0.08 s for a full system bundle here): a cost of the environment, paid by every Node
// process alike. Where it is set, the commands are also timed without it.
const extraCa = process.env.NODE_EXTRA_CA_CERTS;
const names = Object.keys(contenders);
const loadBefore = loadAverage();
const asIs = measure(process.env);
const withoutCa = extraCa ? measure(Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'))) : undefined;
const loadAfter = loadAverage();
rmSync(work, { recursive: true, force: true });

const helps = names.filter((n) => n.endsWith('--help') || n.endsWith('--version'));
function report(label, m) {
  console.log(`\ncold-start${label}: medians of ${ROUNDS} rotating rounds; load ${loadBefore.join(' ')} -> ${loadAfter.join(' ')}`);
  console.log('command                        median s  over node -e 0  min s   modules');
  for (const n of names) console.log(`${n.padEnd(30)} ${fmt(m.med[n], 3).padStart(8)} ${fmt(m.med[n] - m.floor, 3).padStart(14)} ${fmt(Math.min(...m.times[n]), 3).padStart(7)} ${String(modules[n]).padStart(9)}`);
  const cell = (n) => `${n.replace('valuelex ', '')} ${fmt(m.med[n], 3)} s (+${fmt(m.med[n] - m.floor, 3)}, ${modules[n]} modules)`;
  return {
    cell,
    worst: Math.max(...helps.map((n) => m.med[n])),
    worstOver: Math.max(...helps.map((n) => m.med[n] - m.floor)),
  };
}
const a = report(extraCa ? ' (environment as is: NODE_EXTRA_CA_CERTS set)' : '', asIs);
const b = withoutCa ? report(' (NODE_EXTRA_CA_CERTS unset)', withoutCa) : undefined;

const measured = `wall time of the whole process (spawn to exit), medians of ${ROUNDS} rounds, order rotating; modules resolved per command`;
const rows = [
  {
    method: `\`valuelex --version\` and \`valuelex <cmd> --help\` as whole processes; the floor is \`node -e 0\` on the same machine in the same run${extraCa ? ' (environment as is: it sets NODE_EXTRA_CA_CERTS, which Node reads and parses at start-up)' : ''}`,
    peer: '`node -e 0` (starting Node at all)',
    measured,
    result: `slowest **${fmt(a.worst, 3)} s** (target < 0.15 s), at most **+${fmt(a.worstOver, 3)} s** over node -e 0 (${fmt(asIs.floor, 3)} s): ${helps.map(a.cell).join('; ')}`,
  },
  ...(b && withoutCa
    ? [
        {
          method: 'the same commands with NODE_EXTRA_CA_CERTS removed from the environment (Node then reads no certificate bundle at start-up)',
          peer: '`node -e 0` (starting Node at all)',
          measured,
          result: `slowest **${fmt(b.worst, 3)} s** (target < 0.15 s), at most **+${fmt(b.worstOver, 3)} s** over node -e 0 (${fmt(withoutCa.floor, 3)} s): ${helps.map(b.cell).join('; ')}`,
        },
      ]
    : []),
  {
    method: 'a command that opens a run database: `valuelex lexicon run.db --json` (the store and its query builder load)',
    peer: '`node -e 0`',
    measured: `wall time of the whole process, medians of ${ROUNDS} rounds${extraCa ? ' (environment as is)' : ''}`,
    result: a.cell('valuelex lexicon run.db'),
  },
];
const doc = writeBenchResults(
  'cold-start',
  rows,
  { rounds: ROUNDS, load: { before: loadBefore, after: loadAfter }, extraCaCerts: Boolean(extraCa), asIs, ...(withoutCa ? { withoutCa } : {}), modules },
  `load ${loadBefore[0]} at start, ${loadAfter[0]} at end`,
);
console.log(`\n${markdownRows(doc)}`);
