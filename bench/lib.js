// Shared helpers for the benchmarks: whole-process timing with GNU time (wall, CPU, peak memory).
// Asynchronous on purpose: benchmarks serve the local model server from their own event loop.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Run a command under /usr/bin/time -v (when present) and return its figures and stdout. */
export function timed(cmd, args, opts = {}) {
  const hasTime = existsSync('/usr/bin/time');
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = hasTime ? spawn('/usr/bin/time', ['-v', cmd, ...args], opts) : spawn(cmd, args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      const wall = (performance.now() - t0) / 1000;
      const num = (re) => {
        const m = stderr.match(re);
        return m ? Number(m[1]) : NaN;
      };
      if (status !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${status}: ${stderr.slice(-2000)}`));
      resolve({
        wall,
        user: num(/User time \(seconds\): ([\d.]+)/),
        sys: num(/System time \(seconds\): ([\d.]+)/),
        peakMB: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024,
        stdout,
        stderr,
      });
    });
  });
}

export function fmt(x, digits = 2) {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}
