// Elicitation at scale: parse + normalize 50,000 simulated answers (target: seconds), then run the
// whole elicit stage (engine cache, parsing, SQLite writes, lexicon) on 50,000 respondents with the
// in-process simulated population. `npm run bench -- elicit`
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultPopulation, DescriptorNormalizer, RunStore, SIMULATED_PROVIDERS, analyseResponse, listLexicon, loadPromptBank, runElicitation, studyConfigSchema, studyEngine,
} from '../dist/index.js';
import { simulate } from '../dist/sim/simulate.js';
import { writeResults } from './lib.js';

const POPULATION = defaultPopulation().models;

const N = Number(process.env.ELICIT_BENCH_N ?? 50_000);
const bank = loadPromptBank();
const texts = [];
for (let i = 0; i < N; i++) {
  const m = POPULATION[i % POPULATION.length];
  const p = bank.prompts[i % bank.prompts.length];
  texts.push(simulate({ model: `sim/${m.name}`, kind: 'chat', messages: [{ role: 'user', content: p.text }], params: { temperature: 1, seed: i } }).text);
}
const normalizer = new DescriptorNormalizer();
let t0 = performance.now();
let descriptors = 0;
for (const t of texts) descriptors += analyseResponse(t, normalizer).rows.length;
const parseSec = (performance.now() - t0) / 1000;
console.log(`parse+normalize: ${N} answers, ${descriptors} items in ${parseSec.toFixed(2)} s (${Math.round(N / parseSec)} answers/s)`);

const samples = Math.ceil(N / (POPULATION.length * bank.prompts.length));
const config = studyConfigSchema.parse({
  name: 'bench-elicit',
  models: POPULATION.map((m) => ({ name: m.name, provider: 'simulated', model: `sim/${m.name}` })),
  elicit: { samples },
});
const dir = mkdtempSync(join(tmpdir(), 'vlx-bench-elicit-'));
const store = RunStore.open(join(dir, 'run.db'));
const stage = {};
for (const pass of ['fresh', 'cached']) {
  t0 = performance.now();
  const summary = await runElicitation(studyEngine(config, store, { factories: SIMULATED_PROVIDERS }), config);
  const sec = (performance.now() - t0) / 1000;
  stage[pass] = { sec, summary, rss: Math.round(process.memoryUsage().rss / 1e6) };
  console.log(`elicit stage (${pass}): ${summary.respondents} respondents, ${summary.descriptors} descriptors, ${summary.terms} terms in ${sec.toFixed(1)} s; rss ${stage[pass].rss} MB`);
}
writeResults('elicit', [
  {
    method: `parsing and normalizing ${N.toLocaleString('en')} simulated answers; the whole elicit stage (engine cache, parsing, SQLite writes, prose mining, lexicon) at ${stage.fresh.summary.respondents.toLocaleString('en')} respondents of the in-process simulated population, fresh then from the request cache`,
    peer: 'none (target: seconds)',
    measured: 'in-process wall time; resident memory after each pass',
    result: `parse + normalize ${parseSec.toFixed(1)} s (${descriptors.toLocaleString('en')} items); stage ${stage.fresh.sec.toFixed(1)} s fresh / ${stage.cached.sec.toFixed(1)} s cached (${stage.fresh.summary.descriptors.toLocaleString('en')} descriptors; rss ${stage.fresh.rss} / ${stage.cached.rss} MB)`,
  },
]);
console.log(`top terms: ${listLexicon(store, { limit: 8 }).map((e) => `${e.descriptor} ${e.count}`).join(', ')}`);
store.close();
rmSync(dir, { recursive: true, force: true });
