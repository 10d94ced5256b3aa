// The in-process half of bench/elicit-memory.js: the elicit stage on N requests against the mock
// server, with the live JavaScript heap (after a full garbage collection) measured at 25/50/75/100%
// of the answers. Peak RSS includes what the collector has not reclaimed yet; the live heap is
// what the run holds. Usage: node --expose-gc bench/elicit-memory-client.js <base url> <requests> <dir>
import { RunStore, runElicitation, studyConfigSchema, studyEngine } from '../dist/index.js';

const [baseUrl, nArg, dir] = process.argv.slice(2);
const n = Number(nArg);
const samples = Math.round(n / 18);
const config = studyConfigSchema.parse({
  name: 'bench-memory-live',
  models: [{ name: 'm', provider: 'openai', model: 'sim/sim-atlas-8b-rlhf', base_url: baseUrl, concurrency: 16 }],
  elicit: { prompts: 'all', samples },
});
const total = 18 * samples;
const store = RunStore.open(`${dir}/run.db`);
const engine = studyEngine(config, store);
const live = [];
let answers = 0;
const put = store.putResponse.bind(store);
store.putResponse = (row) => {
  put(row);
  answers++;
  if ([0.25, 0.5, 0.75, 1].some((f) => answers === Math.round(f * total))) {
    global.gc();
    live.push({ fraction: answers / total, heapMB: process.memoryUsage().heapUsed / 2 ** 20, rssMB: process.memoryUsage().rss / 2 ** 20 });
  }
};
await runElicitation(engine, config);
await engine.close();
store.close();
process.stdout.write(JSON.stringify({ requests: answers, live }) + '\n');
