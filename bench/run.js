// `npm run bench [-- name ...]`: run the benchmarks (all, or those named) one after another, then
// rebuild the results table of bench/README.md from the results they wrote (bench/out/<name>.json;
// benchmarks that write none keep their rows as they are).
// Each benchmark is a plain script in this folder importing the built library from ../dist.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderTable } from './table.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const all = ['engine', 'efa', 'efa-single', 'elicit', 'embed-cluster', 'fulcra-cv', 'scale'];
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;

if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
let failed = 0;
const wrote = [];
for (const name of wanted) {
  const file = `${here}${name}.js`;
  if (!existsSync(file)) {
    if (process.argv.slice(2).includes(name)) {
      console.error(`no benchmark named ${name}`);
      failed++;
    }
    continue;
  }
  console.log(`\n=== bench: ${name}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
  const out = `${here}out/${name}.json`;
  if (r.status === 0 && existsSync(out) && statSync(out).mtimeMs >= started) wrote.push(name);
}
if (wrote.length > 0) console.log(`\nbench/README.md: rows of ${renderTable(wrote).join(', ')} updated`);
process.exit(failed ? 1 : 0);
