// Helpers for the whole-process benchmarks (elicit-run, elicit-memory, cold-start): the local mock
// server in its own process, medians, the machine and its load, and results written as
// bench/out/<name>.json in the shape of the README table ({name, date, machine, rows: [{benchmark,
// method, peer, measured, machine, result}]}) with the raw measurements beside them.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The median of numbers (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** The machine in one short cell, with the 1-minute load average now. */
export function machineCell() {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return `${cpus.length} cores (${model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function loadAverage() {
  return os.loadavg().map((x) => Number(x.toFixed(2)));
}

/** Start bench/mock-openai.js; resolves to { baseUrl, served(), close() }. */
export async function startMockServer() {
  const child = spawn(process.execPath, [`${here}mock-openai.js`], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  const waiters = [];
  let exited;
  child.once('exit', (code) => {
    exited = new Error(`mock server exited ${code}`);
    for (const w of waiters.splice(0)) w.reject(exited);
  });
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w.resolve(line);
      else lines.push(line);
    }
  });
  const next = () =>
    new Promise((resolve, reject) => {
      if (lines.length > 0) return resolve(lines.shift());
      if (exited) return reject(exited);
      waiters.push({ resolve, reject });
    });
  const { base_url: baseUrl } = await next();
  return {
    baseUrl,
    async served() {
      child.stdin.write('served?\n');
      return (await next()).served;
    },
    close() {
      return new Promise((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
      });
    },
  };
}

/** Write bench/out/<name>.json: the README rows, the machine (with `machineNote`, e.g. the load) and the raw measurements. */
export function writeBenchResults(name, rows, details, machineNote) {
  const outDir = `${here}out/`;
  mkdirSync(outDir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const machine = machineNote ? `${machineCell()}; ${machineNote}` : machineCell();
  const doc = { name, date, machine, rows: rows.map((r) => ({ benchmark: name, ...r, machine: `${machine}; ${date}` })), details };
  writeFileSync(`${outDir}${name}.json`, JSON.stringify(doc, null, 2) + '\n');
  return doc;
}

/** The rows as markdown table rows (the README table's columns). */
export function markdownRows(doc) {
  const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return doc.rows.map((r) => `| ${[`\`${r.benchmark}\``, r.method, r.peer, r.measured, r.machine, r.result].map(cell).join(' | ')} |`).join('\n');
}
