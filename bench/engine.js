// Engine benchmark (issue 2): N requests against the local simulated server, cold and then fully
// cached, through ValueLex's engine and through promptfoo (same server, same prompts, same
// concurrency), each as a whole process. Reports requests/second, CPU seconds and peak memory,
// and the ratio promptfoo/valuelex. Usage: node bench/engine.js [N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPopulation, startSimServer } from '../dist/index.js';
import { fmt, timed } from './lib.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 16;
const PROMPTFOO_VERSION = '0.121.20';
const peers = resolve(here, '.peers');

function ensurePromptfoo() {
  const bin = join(peers, 'node_modules', '.bin', 'promptfoo');
  if (existsSync(bin)) return bin;
  process.stderr.write(`installing promptfoo@${PROMPTFOO_VERSION} into bench/.peers (once)...\n`);
  const r = spawnSync('npm', ['install', '--prefix', peers, '--no-audit', '--no-fund', `promptfoo@${PROMPTFOO_VERSION}`], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(bin)) return undefined;
  return bin;
}

const server = await startSimServer();
const work = mkdtempSync(join(tmpdir(), 'vlx-bench-'));
const base = `${server.url}/v1`;
const rows = [];
try {
  // ValueLex: a cold process on a fresh run database, then a warm one on the same database.
  const db = join(work, 'run.db');
  const client = join(here, 'engine-client.js');
  for (const phase of ['cold', 'cached']) {
    const before = server.stats.answered;
    const t = await timed(process.execPath, [client, base, String(N), db, String(CONCURRENCY)]);
    const out = JSON.parse(t.stdout.trim().split('\n').pop());
    rows.push({ tool: 'valuelex', phase, ...t, served: server.stats.answered - before, cachedAnswers: out.cached });
  }

  const promptfoo = ensurePromptfoo();
  if (promptfoo) {
    const tests = Array.from({ length: N }, (_, i) => `  - vars: {q: "Question ${i}: what do you value most?"}`).join('\n');
    const cfg = join(work, 'promptfooconfig.yaml');
    writeFileSync(
      cfg,
      `prompts: ["{{q}}"]\nproviders:\n  - id: openai:chat:sim/${defaultPopulation().models.find((m) => m.training === 'instruct').name}\n    config: {apiBaseUrl: "${base}", apiKey: "not-needed", temperature: 1}\ntests:\n${tests}\n`,
    );
    const env = {
      ...process.env,
      PROMPTFOO_CACHE_PATH: join(work, 'pf-cache'),
      PROMPTFOO_CONFIG_DIR: join(work, 'pf-config'),
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_DISABLE_UPDATE: '1',
      PROMPTFOO_DISABLE_SHARING: '1',
      OPENAI_API_KEY: 'not-needed',
    };
    for (const phase of ['cold', 'cached']) {
      const before = server.stats.answered;
      const t = await timed(promptfoo, ['eval', '-c', cfg, '-j', String(CONCURRENCY), '--no-table', '--no-progress-bar', '-o', join(work, `pf-${phase}.json`)], { env, cwd: work });
      rows.push({ tool: 'promptfoo', phase, ...t, served: server.stats.answered - before });
    }
  } else {
    process.stderr.write('promptfoo could not be installed; reporting ValueLex alone\n');
  }
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

console.log(`\nEngine benchmark: ${N} requests, concurrency ${CONCURRENCY}, local simulated OpenAI-compatible server (no latency)`);
console.log('tool       phase   wall s   req/s    cpu s   peak MB  served by server');
for (const r of rows) {
  console.log(`${r.tool.padEnd(10)} ${r.phase.padEnd(7)} ${fmt(r.wall).padStart(7)} ${fmt(N / r.wall, 0).padStart(7)} ${fmt(r.user + r.sys).padStart(8)} ${fmt(r.peakMB, 0).padStart(8)}  ${r.served}`);
}
for (const phase of ['cold', 'cached']) {
  const v = rows.find((r) => r.tool === 'valuelex' && r.phase === phase);
  const p = rows.find((r) => r.tool === 'promptfoo' && r.phase === phase);
  if (v && p) {
    console.log(`${phase}: promptfoo/valuelex wall ${fmt(p.wall / v.wall)}x, CPU ${fmt((p.user + p.sys) / (v.user + v.sys))}x, peak memory ${fmt(p.peakMB / v.peakMB)}x`);
  }
}
