/**
 * `valuelex demo` and `valuelex sim-server`. The command line is a composition root: it hands the
 * simulated population to the demo (as its last-resort population and as the `simulated`
 * provider).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { writeRunReport } from '../../report/write.js';
import { defaultPopulation, drawPopulation, plantedTruthOf } from '../../sim/population.js';
import { SIMULATED_PROVIDERS } from '../../sim/provider.js';
import { startSimServer } from '../../sim/server.js';
import { demoStudy, detectPopulation, simulatedPopulation } from '../../study/demo.js';
import { runConfig } from '../../study/run.js';
import { log, output, type GlobalOptions } from '../util.js';
import { interruptible, summarizeRun, warnSimulated } from './study.js';

export async function demo(opts: GlobalOptions & { dir: string; resume?: boolean; seed?: number }): Promise<void> {
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  // --seed N: the simulated population drawn from seed N (ids sim/N/<name>, which the in-process
  // provider resolves to that draw), so the self-test runs on another planted structure.
  const simulated = opts.seed === undefined ? defaultPopulation() : drawPopulation(opts.seed);
  const population = await detectPopulation(simulatedPopulation(simulated), process.env, log);
  if (opts.seed !== undefined && population.kind !== 'simulated') log(`demo: --seed ${opts.seed} chooses the simulated population, which is not used here (${population.kind})`);
  if (population.kind === 'simulated') {
    log('');
    log('  ┌──────────────────────────────────────────────────────────────────────────┐');
    log('  │ SIMULATED POPULATION: no model server or local model was found, so this │');
    log('  │ demo runs on synthetic models. Their answers are NOT real LLM outputs.  │');
    log('  │ Point it at real models: VALUELEX_BASE_URL=http://host:8000/v1 or       │');
    log('  │ OLLAMA_HOST=127.0.0.1:11434, then run `valuelex demo` again.            │');
    log('  └──────────────────────────────────────────────────────────────────────────┘');
    log('');
  }
  log(`demo population: ${population.description}`);
  const config = demoStudy(population, join(dir, 'run.db'));
  writeFileSync(join(dir, 'study.yaml'), `# The study the demo ran (population: ${population.kind}).\n${stringify(config)}`);
  const result = await runConfig(config, join(dir, 'run.db'), { resume: opts.resume ?? false, progress: !opts.json, log, onEngine: interruptible(), factories: SIMULATED_PROVIDERS, plantedTruth: (id) => plantedTruthOf(id, simulated) });
  const report = await writeRunReport(join(dir, 'run.db'), dir, { population: population.kind, populationDescription: population.description });
  warnSimulated(result, opts);
  output(
    opts,
    { population: population.kind, description: population.description, store: result.store, stages: result.stages, cost: result.cost, simulated: result.simulated, report },
    () => `${summarizeRun(result)}\nreport: ${report.html ?? '(none)'}${report.json ? `\njson:   ${report.json}` : ''}${result.simulated.length > 0 ? '\n(simulated models: synthetic answers, labelled as such in the report; not evidence about real models)' : ''}`,
  );
}

export async function simServer(opts: GlobalOptions & { port: number; latency: number; seed?: number }): Promise<void> {
  const population = opts.seed === undefined ? defaultPopulation() : drawPopulation(opts.seed);
  const server = await startSimServer({ port: opts.port, faults: { latencyMs: opts.latency }, population });
  const models = population.models.map((m) => `sim/${m.name}`);
  output(
    opts,
    { url: server.url, openai_base_url: `${server.url}/v1`, simulated: true, seed: population.seed, models, dimensions: population.dimensions.length },
    () =>
      [
        `SIMULATED models (synthetic, not real LLMs; every response carries x-valuelex-simulated: true) served at ${server.url} (OpenAI base URL ${server.url}/v1)`,
        `population seed ${population.seed}: ${population.dimensions.length} planted dimensions; models ${models.join(', ')} (any seed: sim/<seed>/<name>)`,
        'Ctrl-C to stop',
      ].join('\n'),
  );
  await new Promise<void>((resolveStop) => {
    const stop = (): void => {
      void server.close().then(resolveStop);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
