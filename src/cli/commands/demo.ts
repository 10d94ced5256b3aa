/**
 * `valuelex demo`: the main job, offline, on the embedded defaults (see src/study/demo.ts for how
 * the population is chosen). `valuelex sim-server`: the simulated population behind a real
 * OpenAI/Anthropic/Ollama-compatible HTTP server, for trying pipelines without a model.
 */
import type { Command } from 'commander';
import { lazy, parseIntOption } from '../util.js';

const impl = () => import('../actions/demo.js');

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the whole method on the best models reachable (a configured server, Ollama, local models, else a labelled simulated population) and write a report')
    .option('--dir <dir>', 'where to put the run', 'runs/demo')
    .option('--resume', 'skip stages already finished')
    .option('--seed <n>', 'seed of the simulated population (when no real model is reachable); its report scores what the method recovered against what was planted', parseIntOption('seed', { min: 0 }))
    .option('--json', 'machine-readable output')
    .action(lazy(() => impl().then((m) => m.demo)));

  program
    .command('sim-server')
    .description('serve the simulated population over the OpenAI, Anthropic and Ollama protocols on 127.0.0.1')
    .option('--port <n>', 'port (0 = any free port)', parseIntOption('port'), 0)
    .option('--latency <ms>', 'added latency per request', parseIntOption('latency'), 0)
    .option('--seed <n>', 'seed of the simulated population to serve (default: the default population)', parseIntOption('seed'))
    .option('--json', 'print the address as JSON')
    .action(lazy(() => impl().then((m) => m.simServer)));
}
