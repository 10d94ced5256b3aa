// One ValueLex engine process for the engine benchmark: N distinct chat requests to one model on
// the local server, through the full engine (cache lookup, scheduler, provider client, SQLite).
// Usage: node bench/engine-client.js <openai base url> <N> <run.db> <concurrency>
import { defaultPopulation, Engine, RunStore, studyConfigSchema } from '../dist/index.js';

const [baseUrl, nArg, dbPath, concArg] = process.argv.slice(2);
const n = Number(nArg);
const config = studyConfigSchema.parse({
  name: 'bench',
  models: [{ name: 'm', provider: 'openai', model: `sim/${defaultPopulation().models.find((m) => m.training === 'instruct').name}`, base_url: baseUrl, concurrency: Number(concArg ?? 16) }],
});
const store = RunStore.open(dbPath);
const engine = new Engine({ models: config.models, seed: config.seed, store });
const items = Array.from({ length: n }, (_, i) => i);
const t0 = performance.now();
const results = await engine.map(items, (i) => engine.generate({ model: 'm', stage: 'bench', messages: [{ role: 'user', content: `Question ${i}: what do you value most?` }], params: { temperature: 1 } }), { label: 'bench' });
const seconds = (performance.now() - t0) / 1000;
const cached = results.filter((r) => r.cached).length;
store.close();
process.stdout.write(JSON.stringify({ n, seconds, cached, rps: n / seconds, rssMB: process.memoryUsage().rss / 2 ** 20 }) + '\n');
