// Shared helpers for the benchmarks: whole-process timing with GNU time (wall, CPU, peak memory).
// Asynchronous on purpose: benchmarks serve the local model server from their own event loop.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

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

// ---------------------------------------------------------------------------------------------
// Results for bench/README.md. Each benchmark calls writeResults(name, rows) with its own rows;
// bench/run.js then rewrites the table in bench/README.md, replacing the rows of the benchmarks
// that wrote results in this run and keeping everyone else's rows as they were.

/** The median of numbers (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

let rVersionCache;
/** "4.2.2" when Rscript is on the PATH, else null. */
export function rVersion() {
  if (rVersionCache === undefined) {
    const r = spawnSync('Rscript', ['--version'], { encoding: 'utf8' });
    const m = r.status === 0 ? `${r.stdout}${r.stderr}`.match(/version (\d+\.\d+\.\d+)/) : null;
    rVersionCache = m ? m[1] : null;
  }
  return rVersionCache;
}

/** The machine a result was measured on, in one short cell. */
export function machine() {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const r = rVersion();
  const load = os.loadavg()[0];
  return `${cpus.length} cores (${model}), Node ${process.version}${r ? `, R ${r}` : ''}; load ${load.toFixed(1)} at start`;
}

const outDir = fileURLToPath(new URL('./out/', import.meta.url));

/**
 * Record this benchmark's rows for the README table. A row: { benchmark, method, peer, measured,
 * result } (markdown cell text); machine and date are added here. Written to bench/out/<name>.json.
 */
export function writeResults(name, rows) {
  mkdirSync(outDir, { recursive: true });
  const m = machine();
  const date = new Date().toISOString().slice(0, 10);
  const doc = { name, date, machine: m, rows: rows.map((r) => ({ ...r, benchmark: r.benchmark ?? name, machine: `${m}; ${date}` })) };
  writeFileSync(`${outDir}${name}.json`, JSON.stringify(doc, null, 2) + '\n');
  return doc;
}

/** The rows written by a benchmark, or null. */
export function readResults(name) {
  const file = `${outDir}${name}.json`;
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

/**
 * A CSV of n respondents x p items with a planted k-factor structure (item j loads 0.6 on factor
 * j mod k, unique noise 0.8), four decimals, header i1..ip: the data of the EFA benchmarks.
 */
export async function writePlantedFactorCsv(file, n, p, k, seed = 11) {
  const { createRng } = await import('../dist/stats/rng.js');
  const rng = createRng(seed);
  const lines = [Array.from({ length: p }, (_, j) => `i${j + 1}`).join(',')];
  for (let i = 0; i < n; i++) {
    const f = Array.from({ length: k }, () => rng.normal());
    lines.push(Array.from({ length: p }, (_, j) => (0.6 * f[j % k] + 0.8 * rng.normal()).toFixed(4)).join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}
