/**
 * `valuelex view <run.db> [--port N]`: browse a run and label pairs in a local web app (127.0.0.1 only).
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { isPostgresUrl } from '../../store/store.js';
import { InputError } from '../../core/errors.js';
import { startViewer } from '../../web/server.js';
import { action, output, type GlobalOptions } from '../util.js';

export function register(program: Command): void {
  program
    .command('view')
    .description('browse a run (lexicon back to responses, completions with their scores) and label (prompt, response) pairs in a local web app on 127.0.0.1')
    .argument('<run.db>', 'the run database')
    .option('--port <n>', 'port to listen on (0: any free port)', '8765')
    .option('--json', 'print {url} as JSON once listening')
    .action(
      action(async (db: string, opts: GlobalOptions & { port: string }) => {
        if (!isPostgresUrl(db) && !existsSync(db)) throw new InputError(`${db}: no such run database`);
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`--port: expected 0-65535, got "${opts.port}"`);
        const viewer = await startViewer({ db, port });
        output(opts, { url: viewer.url }, () => `ValueLex viewer on ${viewer.url} (Ctrl-C to stop)`);
        await new Promise<void>((resolve) => {
          const stop = (): void => void viewer.close().then(resolve);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }),
    );
}
