// The client side of the scale benchmark: M models x N requests through one engine, sampling
// resident memory as it goes. Usage: node bench/scale-client.js <base url> <models> <per model> <run.db>
import { statSync } from 'node:fs';
import { defaultPopulation, Engine, RunStore, studyConfigSchema } from '../dist/index.js';

const [baseUrl, mArg, nArg, dbPath] = process.argv.slice(2);
const M = Number(mArg);
const N = Number(nArg);
const population = defaultPopulation().models.map((m) => m.name);
const config = studyConfigSchema.parse({
  name: 'scale',
  models: Array.from({ length: M }, (_, i) => ({ name: `m${i}`, provider: 'openai', model: `sim/${population[i % population.length]}`, base_url: baseUrl, concurrency: 8 })),
});
const store = RunStore.open(dbPath);
const engine = new Engine({ models: config.models, seed: config.seed, store });
const total = M * N;
const samples = [];
let done = 0;
const t0 = performance.now();
const timer = setInterval(() => samples.push({ done, rssMB: process.memoryUsage().rss / 2 ** 20 }), 1000);
// Items are interleaved across models so every model's queue stays busy.
const items = { length: total, [Symbol.iterator]: function* () { for (let i = 0; i < total; i++) yield i; } };
await engine.map([...items], async (i) => {
  const model = `m${i % M}`;
  const q = Math.floor(i / M);
  await engine.generate({ model, stage: 'scale', messages: [{ role: 'user', content: `Item ${q} for ${model}: name three values you hold.` }] });
  done++;
}, { label: 'scale' });
clearInterval(timer);
const seconds = (performance.now() - t0) / 1000;
store.close();
const quarter = (f) => samples.find((s) => s.done >= f * total) ?? samples[samples.length - 1];
process.stdout.write(JSON.stringify({
  total,
  seconds,
  rps: total / seconds,
  peakMB: Math.max(...samples.map((s) => s.rssMB)),
  rssAt: [0.25, 0.5, 0.75, 1].map((f) => ({ fraction: f, rssMB: quarter(f)?.rssMB })),
  dbMB: statSync(dbPath).size / 2 ** 20,
}) + '\n');
