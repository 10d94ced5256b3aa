/** `valuelex view <run.db>`: the local viewer until Ctrl-C. */
import { existsSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { isPostgresUrl } from '../../store/store.js';
import { startViewer } from '../../web/server.js';
import { output, type GlobalOptions } from '../util.js';

export async function view(db: string, opts: GlobalOptions & { port: string }): Promise<void> {
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
}
