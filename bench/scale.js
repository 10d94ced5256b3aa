// Scale benchmark (issue 7): a simulated study of 50 models x 5,000 requests each against the local
// server (separate process, 20 ms latency per request), showing requests/second, resident memory
// over the run (flat in the number of requests) and the run database's size.
// Usage: node bench/scale.js [models] [requests per model]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, timed } from './lib.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const M = Number(process.argv[2] ?? 50);
const N = Number(process.argv[3] ?? 5000);

const server = spawn(process.execPath, [join(here, '..', 'bin', 'valuelex.js'), 'sim-server', '--port', '0', '--latency', '20', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let buf = '';
  server.stdout.on('data', (d) => {
    buf += d;
    try {
      resolve(JSON.parse(buf).openai_base_url);
    } catch {
      /* wait for the whole object */
    }
  });
  server.on('exit', (code) => reject(new Error(`sim-server exited ${code}`)));
});
const work = mkdtempSync(join(tmpdir(), 'vlx-scale-'));
try {
  const t = await timed(process.execPath, [join(here, 'scale-client.js'), url, String(M), String(N), join(work, 'run.db')]);
  const r = JSON.parse(t.stdout.trim().split('\n').pop());
  console.log(`\nScale benchmark: ${M} models x ${N} requests = ${r.total} requests, local server with 20 ms latency, concurrency 8 per model`);
  console.log(`requests/second ${fmt(r.rps, 0)}, wall ${fmt(r.seconds, 1)} s, client CPU ${fmt(t.user + t.sys, 1)} s, peak RSS ${fmt(t.peakMB, 0)} MB`);
  console.log(`resident memory at 25/50/75/100% of requests: ${r.rssAt.map((x) => fmt(x.rssMB, 0)).join(' / ')} MB`);
  console.log(`run database: ${fmt(r.dbMB, 1)} MB (${fmt((r.dbMB * 2 ** 20) / r.total, 0)} bytes per stored request)`);
} finally {
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
