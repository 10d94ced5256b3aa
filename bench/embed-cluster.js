// Embed and cluster 20,000 value phrases with the GloVe default: cold binary-cache load, phrase
// embedding, k-means k = 20 (3 restarts, Lloyd). Target: under 5 s in total. When Rscript is
// available the same k-means runs in R on the same vectors for comparison.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureGloveCache, GloveEmbedder } from '../dist/embed/glove.js';
import { kmeans } from '../dist/stats/index.js';
import { createRng } from '../dist/stats/rng.js';
import { writeResults } from './lib.js';

const N = 20_000, K = 20, RESTARTS = 3, ITER = 50;
const t = () => performance.now() / 1000;

ensureGloveCache(); // builds the binary cache on the very first run (not timed)
const t0 = t();
const glove = new GloveEmbedder();
const wv = glove.vectors();
const tLoad = t();
const pool = [];
for (let i = 500; i < wv.words.length && pool.length < 20_000; i++) if (/^[a-z]{3,}$/.test(wv.words[i])) pool.push(wv.words[i]);
const rng = createRng(42);
const phrases = Array.from({ length: N }, (_, i) => (i % 2 === 0 ? pool[rng.int(pool.length)] : `${pool[rng.int(pool.length)]} ${pool[rng.int(pool.length)]}`));
const vectors = await glove.embed(phrases);
const tEmbed = t();
const res = kmeans(vectors, K, { seed: 1, restarts: RESTARTS, maxIterations: ITER });
const tEnd = t();
const total = tEnd - t0;
console.log(`load ${(tLoad - t0).toFixed(2)} s, embed ${(tEmbed - tLoad).toFixed(2)} s, k-means ${(tEnd - tEmbed).toFixed(2)} s (inertia ${res.inertia.toFixed(1)}, ${res.iterations} iterations in best restart)`);
console.log(`total ${total.toFixed(2)} s for ${N} phrases (target < 5 s): ${total < 5 ? 'OK' : 'SLOW'}`);

const hasR = spawnSync('Rscript', ['--version']).status === 0;
let rNote = 'Rscript not available: no R comparison';
if (hasR) {
  const dir = mkdtempSync(join(tmpdir(), 'vl-bench-'));
  const flat = new Float64Array(N * 100);
  vectors.forEach((v, i) => flat.set(v, i * 100));
  writeFileSync(join(dir, 'x.bin'), Buffer.from(flat.buffer));
  const script = `x <- matrix(readBin("${join(dir, 'x.bin')}", "double", ${N * 100}), ncol = 100, byrow = TRUE)
set.seed(1); s <- proc.time()[["elapsed"]]
k <- suppressWarnings(kmeans(x, ${K}, nstart = ${RESTARTS}, algorithm = "Lloyd", iter.max = ${ITER}))
cat(proc.time()[["elapsed"]] - s, k$tot.withinss, "\\n")`;
  const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
  const [secs, inertia] = r.stdout.trim().split(/\s+/).map(Number);
  if (r.status === 0 && Number.isFinite(secs)) {
    rNote = `R \`kmeans\` (Lloyd, same vectors) ${secs.toFixed(2)} s, inertia ${inertia.toFixed(1)}; ours/R k-means time ${((tEnd - tEmbed) / secs).toFixed(2)}`;
  } else rNote = `R comparison failed: ${r.stderr.split('\n')[0]}`;
}
console.log(rNote);
writeResults('embed-cluster', [
  {
    method: `GloVe embedding of ${N.toLocaleString('en')} value phrases, then k-means k = ${K} (${RESTARTS} restarts, at most ${ITER} Lloyd iterations, then Hartigan transfers until none lowers the inertia)`,
    peer: 'R `kmeans` (same vectors, Lloyd, nstart 3; no Hartigan step)',
    measured: 'in-process wall time; R\'s k-means time inside R',
    result: `load ${(tLoad - t0).toFixed(2)} s, embed ${(tEmbed - tLoad).toFixed(2)} s, k-means ${(tEnd - tEmbed).toFixed(2)} s (inertia ${res.inertia.toFixed(1)}); total ${total.toFixed(2)} s (target 5 s); ${rNote}`,
  },
]);
