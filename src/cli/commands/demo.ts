/**
 * `valuelex demo`: the main job, offline, on the embedded defaults (see src/valuelex/demo.ts for
 * how the population is chosen). `valuelex sim-server`: the simulated population behind a real
 * OpenAI/Anthropic/Ollama-compatible HTTP server, for trying pipelines without a model.
 */
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { detectPopulation, demoStudy } from '../../study/demo.js';
import { runConfig } from '../../valuelex/runner.js';
import { startSimServer } from '../../sim/server.js';
import { writeRunReport } from '../../report/write.js';
import { action, log, output, parseIntOption, type GlobalOptions } from '../util.js';
import { interruptible, summarizeRun } from './study.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the whole method on the best models reachable (a configured server, Ollama, local models, else a labelled simulated population) and write a report')
    .option('--dir <dir>', 'where to put the run', 'runs/demo')
    .option('--resume', 'skip stages already finished')
    .option('--json', 'machine-readable output')
    .action(
      action(async (opts: GlobalOptions & { dir: string; resume?: boolean }) => {
        const dir = resolve(opts.dir);
        mkdirSync(dir, { recursive: true });
        const population = await detectPopulation(process.env, log);
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
        const result = await runConfig(config, join(dir, 'run.db'), { resume: opts.resume ?? false, progress: !opts.json, log, onEngine: interruptible() });
        const report = await writeRunReport(join(dir, 'run.db'), dir, { population: population.kind, populationDescription: population.description });
        output(
          opts,
          { population: population.kind, description: population.description, store: result.store, stages: result.stages, cost: result.cost, report },
          () => `${summarizeRun(result)}\nreport: ${report.html ?? '(none)'}${report.json ? `\njson:   ${report.json}` : ''}${population.kind === 'simulated' ? '\n(simulated population: synthetic answers, labelled as such in the report)' : ''}`,
        );
      }),
    );

  program
    .command('sim-server')
    .description('serve the simulated population over the OpenAI, Anthropic and Ollama protocols on 127.0.0.1')
    .option('--port <n>', 'port (0 = any free port)', parseIntOption('port'), 0)
    .option('--latency <ms>', 'added latency per request', parseIntOption('latency'), 0)
    .option('--json', 'print the address as JSON')
    .action(
      action(async (opts: GlobalOptions & { port: number; latency: number }) => {
        const server = await startSimServer({ port: opts.port, faults: { latencyMs: opts.latency } });
        output(opts, { url: server.url, openai_base_url: `${server.url}/v1` }, () => `simulated models served at ${server.url} (OpenAI base URL ${server.url}/v1); Ctrl-C to stop`);
        await new Promise<void>((resolveStop) => {
          const stop = (): void => {
            void server.close().then(resolveStop);
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }),
    );
}
