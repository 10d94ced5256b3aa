// `npm run bench [-- name ...]`: run the benchmarks (all, or those named) one after another.
// Each benchmark is a plain script in this folder importing the built library from ../dist.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const all = ['engine', 'efa', 'elicit', 'embed-cluster', 'embed-phrases', 'glove-memory', 'fulcra-cv', 'scale'];
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;

if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
let failed = 0;
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
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
