/**
 * `valuelex view <run.db> [--port N]`: browse a run and label pairs in a local web app (127.0.0.1 only).
 */
import type { Command } from 'commander';
import { lazy } from '../util.js';

export function register(program: Command): void {
  program
    .command('view')
    .description('browse a run (lexicon back to responses, completions with their scores) and label (prompt, response) pairs in a local web app on 127.0.0.1')
    .argument('<run.db>', 'the run database')
    .option('--port <n>', 'port to listen on (0: any free port)', '8765')
    .option('--json', 'print {url} as JSON once listening')
    .action(lazy(() => import('../actions/view.js').then((m) => m.view)));
}
