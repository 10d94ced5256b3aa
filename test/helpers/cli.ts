/**
 * Run the built CLI (dist/) as a user would, capturing stdout, stderr and the exit code.
 * `npm test` builds first (pretest), so dist/ matches the sources under test.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/valuelex.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Async variant, for tests that run a local server in the same process. */
export function runCliAsync(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; killAfterMs?: number; killSignal?: NodeJS.Signals; killWhen?: () => boolean } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = opts.killAfterMs !== undefined ? setTimeout(() => child.kill(opts.killSignal ?? 'SIGKILL'), opts.killAfterMs) : undefined;
    // Kill on a condition (e.g. "the server has answered N requests"), which unlike a timer does
    // not depend on how fast a loaded machine starts the process.
    const poll = opts.killWhen
      ? setInterval(() => {
          if (opts.killWhen!()) {
            clearInterval(poll);
            child.kill(opts.killSignal ?? 'SIGKILL');
          }
        }, 10)
      : undefined;
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
