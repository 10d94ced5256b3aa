// Phrase embeddings of the GloVe default, judged by how well k-means on them recovers human
// groupings of value phrases (adjusted Rand index, mean over 5 k-means seeds):
//  - bench/data/value-phrases.tsv: 294 value phrases written for this bench, grouped by hand into
//    5 top / 26 middle / 42 fine groups (k = the number of groups at each level);
//  - bench/data/fulcra-value-items.tsv: FULCRA's 53 Schwartz value items ("be honest", "have a
//    stable society") against their Schwartz value (k = 10).
// Rows: the plain average (the backend before SIF), normalised average, SIF weights alone, SIF
// with the common component removed (fitted on the fixed vocabulary reference, the default, or on
// the lexicon being embedded), all-but-the-top variants, and other options. Also lists how the
// phrases' unknown words were backed off.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GloveEmbedder, fitCommonComponents, finishPhrase, weightedPhrase } from '../dist/embed/glove.js';
import { adjustedRandIndex, kmeans } from '../dist/stats/index.js';
import { writeResults } from './lib.js';

function readTsv(name) {
  const lines = readFileSync(fileURLToPath(new URL(`data/${name}`, import.meta.url)), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  const header = lines[0].split('\t');
  return lines.slice(1).map((l) => Object.fromEntries(l.split('\t').map((c, i) => [header[i], c])));
}

const phrases = readTsv('value-phrases.tsv');
const items = readTsv('fulcra-value-items.tsv');
const codes = (labels) => {
  const ids = new Map();
  return labels.map((l) => (ids.has(l) ? ids.get(l) : (ids.set(l, ids.size), ids.size - 1)));
};
const sets = [
  { name: 'phrases/top', texts: phrases.map((p) => p.phrase), truth: codes(phrases.map((p) => p.top)) },
  { name: 'phrases/middle', texts: phrases.map((p) => p.phrase), truth: codes(phrases.map((p) => `${p.top}/${p.middle}`)) },
  { name: 'phrases/fine', texts: phrases.map((p) => p.phrase), truth: codes(phrases.map((p) => `${p.top}/${p.middle}/${p.fine}`)) },
  { name: 'fulcra items', texts: items.map((p) => p.item), truth: codes(items.map((p) => p.value)) },
];

function ari(vectors, truth) {
  const k = new Set(truth).size;
  let s = 0;
  const seeds = [1, 2, 3, 4, 5];
  for (const seed of seeds) s += adjustedRandIndex(kmeans(vectors, k, { seed, restarts: 5 }).labels, truth);
  return s / seeds.length;
}

const quiet = () => {};
const variants = [
  ['plain average (before)', { method: 'mean' }],
  ['average, normalised', { method: 'mean', phrase: { normalize: true } }],
  ['SIF weights only', { phrase: { removeComponents: 0 } }],
  ['SIF + 1 component, vocabulary ref (default)', {}],
  ['SIF + 1 component, fitted on the lexicon', { batch: true }],
  ['SIF a=1e-4 + 1 component', { phrase: { sifA: 1e-4 } }],
  ['SIF a=1e-2 + 1 component', { phrase: { sifA: 1e-2 } }],
  ['SIF + centre + 1 (all-but-the-top)', { phrase: { center: true } }],
  ['SIF + centre + 3 (all-but-the-top)', { phrase: { center: true, removeComponents: 3 } }],
  ['SIF + centre + 5 (all-but-the-top)', { phrase: { center: true, removeComponents: 5 } }],
  ['SIF + 1, unit word vectors', { phrase: { normalizeWords: true } }],
  ['SIF + 1, not normalised', { phrase: { normalize: false } }],
];
const only = process.argv.slice(2);
const measured = new Map();
const started = performance.now();
console.log(`ARI of k-means (k = groups; mean of 5 seeds) against the human grouping: ${phrases.length} value phrases (5/26/42 groups), ${items.length} FULCRA items (10 Schwartz values)`);
console.log(`${'method'.padEnd(46)}${sets.map((s) => s.name.padStart(16)).join('')}`);
for (const [name, opts] of variants) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const e = new GloveEmbedder({ ...opts, onWarning: quiet });
  const cells = [];
  for (const set of sets) {
    let vectors;
    if (opts.batch) {
      const raw = set.texts.map((t) => weightedPhrase(e.vectors(), t, e.phrase).vector);
      const common = fitCommonComponents(raw.filter(Boolean), 1, false);
      vectors = raw.map((v) => (v ? finishPhrase(v, common, true) : new Float32Array(e.dimension)));
    } else vectors = await e.embed(set.texts);
    cells.push(ari(vectors, set.truth));
  }
  measured.set(name, cells);
  console.log(`${name.padEnd(46)}${cells.map((c) => c.toFixed(3).padStart(16)).join('')}`);
}

const report = await new GloveEmbedder({ onWarning: quiet }).embedWithReport([...new Set(sets.flatMap((s) => s.texts))]);
const backed = report.details.flatMap((d) => d.backoff ?? []);
console.log(`backoff: ${backed.length} unknown words got vectors (${backed.map((b) => `${b.word} -> ${b.via}:${b.as.join('+')}`).join(', ')}); ${report.warnings.length} texts unembeddable`);

// The table row (bench/README.md) compares the plain average (the backend before SIF) with the
// default; a run restricted to some methods writes no row.
if (only.length === 0) {
  const ariCells = (name) => {
    const c = measured.get(name);
    return `${c.slice(0, 3).map((x) => x.toFixed(2)).join(' / ')}, items ${c[3].toFixed(2)}`;
  };
  const best = [...measured].sort((a, b) => b[1][2] - a[1][2])[0];
  writeResults('embed-phrases', [
    {
      method: `ARI of k-means (k = number of groups, mean of 5 seeds) on GloVe phrase vectors against ${phrases.length} hand-grouped value phrases (5 / 26 / 42 groups) and FULCRA's ${items.length} Schwartz items (10 values), ${variants.length} phrase methods`,
      peer: 'the plain average of word vectors (the backend before SIF)',
      measured: 'adjusted Rand index: phrases top / middle / fine, items',
      result: `plain average ${ariCells('plain average (before)')}; **SIF + common component (default) ${ariCells('SIF + 1 component, vocabulary ref (default)')}**; best on fine groups: ${best[0]} (${best[1][2].toFixed(2)}); ${backed.length} unknown words backed off, ${report.warnings.length} texts unembeddable; ${((performance.now() - started) / 1000).toFixed(0)} s`,
    },
  ]);
}
