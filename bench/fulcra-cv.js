// Value classifier benchmark (issues 5, 23) on the 1,296 real FULCRA pairs of ../shared/data
// (provenance in its README), or on the shipped test excerpt when that folder is absent:
//  1. 5-fold cross-validated per-value macro-F1 and Cohen's kappa of the default classifier
//     (TF-IDF + SIF phrase embeddings, sparse logistic regression, decision rules tuned by inner CV)
//     against the majority and bag-of-words baselines and the embeddings-only regression; the
//     default's margin over bag of words as the mean of the paired per-fold differences with a
//     t interval over the folds (same seed, same folds);
//  2. held-out: stratified 80/20 splits (3 seeds), default and bag of words trained on the 80%,
//     macro-F1 on the 20%;
//  3. agreement with FULCRA's own evaluator on 3 x 1,523 real answers.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GloveEmbedder } from '../dist/embed/glove.js';
import { crossValidate, predictWithClassifier, trainBagOfWords, trainValueClassifier } from '../dist/evaluation/classifier.js';
import { classificationReport, stratifiedKFold } from '../dist/stats/classification.js';
import { pairedTTest } from '../dist/stats/effects.js';
import { readPairs } from '../dist/values/pairs.js';
import { SCHWARTZ_VALUES } from '../dist/values/schwartz.js';
import { writeResults } from './lib.js';

const started = performance.now();
const shared = fileURLToPath(new URL('../../shared/data/fulcra/trustworthy_dev.jsonl', import.meta.url));
const file = process.argv[2] ?? (existsSync(shared) ? shared : fileURLToPath(new URL('../test/fixtures/fulcra/trustworthy_excerpt.jsonl', import.meta.url)));
const { pairs } = await readPairs(file);
const embedder = new GloveEmbedder({ onWarning: () => {} });
const values = SCHWARTZ_VALUES;
const label = (p, v) => Math.round(p.values?.[v] ?? 0);
console.log(`${pairs.length} labeled pairs from ${file}; 5-fold CV, folds stratified on the label vector, out-of-fold predictions pooled`);

const results = [];
for (const [name, method, train] of [
  ['majority', 'majority'],
  ['bow', 'bow'],
  ['embedding', 'classifier', { features: 'embedding' }],
  ['default', 'classifier', {}],
]) {
  const t0 = performance.now();
  const r = await crossValidate(pairs, values, method, { folds: 5, seed: 1, embedder, ...(train ? { train } : {}) });
  results.push({ ...r, name, seconds: (performance.now() - t0) / 1000 });
}
console.log(`${'value'.padEnd(16)}${results.map((r) => `${r.name} F1`.padStart(14) + `${r.name} k`.padStart(13)).join('')}`);
for (const v of values) console.log(v.padEnd(16) + results.map((r) => r.per_value[v].macro_f1.toFixed(3).padStart(14) + (r.per_value[v].kappa ?? 0).toFixed(3).padStart(13)).join(''));
console.log('mean'.padEnd(16) + results.map((r) => r.mean_macro_f1.toFixed(3).padStart(14) + r.mean_kappa.toFixed(3).padStart(13)).join(''));
for (const r of results) console.log(`${r.name}: exact match ${r.exact_match.toFixed(3)}, per-fold macro-F1 ${r.fold_macro_f1.map((x) => x.toFixed(3)).join(' ')}, ${r.seconds.toFixed(1)} s`);
const def = results.find((r) => r.name === 'default'), bow = results.find((r) => r.name === 'bow');
console.log('default, F1 by label (-1 / 0 / +1): ' + values.map((v) => `${v} ${['-1', '0', '1'].map((l) => def.per_value[v].f1_by_label[l].toFixed(2)).join('/')}`).join(', '));
const t = pairedTTest(def.fold_macro_f1, bow.fold_macro_f1);
console.log(`default - bag of words, CV: ${t.estimate >= 0 ? '+' : ''}${t.estimate.toFixed(3)} mean macro-F1 [95% t interval over the 5 folds ${t.ci[0].toFixed(3)}, ${t.ci[1].toFixed(3)}]; ${def.fold_macro_f1.filter((x, i) => x > bow.fold_macro_f1[i]).length}/5 folds better`);

// Held-out splits.
const macro = (test, pred) => values.reduce((s, v) => s + classificationReport(test.map((p) => label(p, v)), pred.map((p) => p.values[v])).macroF1, 0) / values.length;
const diffs = [];
for (const seed of [1, 2, 3]) {
  const fold = stratifiedKFold(pairs.map((p) => values.map((v) => label(p, v)).join(',')), 5, 100 + seed)[0];
  const train = fold.train.map((i) => pairs[i]), test = fold.test.map((i) => pairs[i]);
  const model = await trainValueClassifier(train, values, embedder);
  const base = trainBagOfWords(train, values);
  const a = macro(test, await predictWithClassifier(model, test, embedder));
  const b = macro(test, await predictWithClassifier(base, test));
  diffs.push(a - b);
  console.log(`held-out split ${seed} (train ${train.length}, test ${test.length}): default ${a.toFixed(3)}, bag of words ${b.toFixed(3)}, difference ${(a - b >= 0 ? '+' : '') + (a - b).toFixed(3)}`);
}
console.log(`held-out: mean difference ${(diffs.reduce((s, x) => s + x, 0) / diffs.length).toFixed(3)} (range ${Math.min(...diffs).toFixed(3)} to ${Math.max(...diffs).toFixed(3)})`);

// Agreement with FULCRA's own evaluator (a fine-tuned DeBERTa-v3-large): the default classifier,
// trained on all labeled pairs, scores three real models' answers to the same adversarial prompts;
// FULCRA's vectors rounded to -1/0/+1 are the reference.
const answers = ['openai_gpt-4', 'openai_gpt-35-turbo', 'mistral_mistral-large-latest']
  .map((f) => fileURLToPath(new URL(`../../shared/data/fulcra/harmless_test_${f}.jsonl`, import.meta.url)))
  .filter((f) => existsSync(f));
const agreementKappas = [];
if (answers.length > 0) {
  const model = await trainValueClassifier(pairs, values, embedder);
  const round = (x) => (x >= 0.5 ? 1 : x <= -0.5 ? -1 : 0);
  for (const f of answers) {
    const { pairs: scored } = await readPairs(f);
    const pred = await predictWithClassifier(model, scored, embedder);
    const cells = values.map((v) => {
      const r = classificationReport(scored.map((p) => round(p.values[v])), pred.map((p) => p.values[v]));
      agreementKappas.push(r.kappa ?? 0);
      return `${v.slice(0, 6)} ${r.accuracy.toFixed(2)}/${(r.kappa ?? 0).toFixed(2)}`;
    });
    console.log(`agreement with FULCRA's evaluator on ${scored.length} answers of ${scored[0]?.source} (accuracy/kappa): ${cells.join(', ')}`);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`total ${seconds.toFixed(0)} s`);

const f3 = (x) => x.toFixed(3);
const signed = (x) => `${x >= 0 ? '+' : ''}${f3(x)}`;
const triple = (r) => `${r.mean_macro_f1.toFixed(2)} / ${r.mean_kappa.toFixed(2)} / ${r.exact_match.toFixed(2)}`;
const byName = Object.fromEntries(results.map((r) => [r.name, r]));
writeResults('fulcra-cv', [
  {
    method: `5-fold CV of the default value classifier (TF-IDF 1-2-grams + SIF GloVe phrase embeddings, sparse L-BFGS logistic regression, thresholds and calibration tuned by inner CV) on ${pairs.length} labeled FULCRA pairs; paired per-fold difference with bag of words; three 80/20 held-out splits${answers.length > 0 ? `; agreement with FULCRA's evaluator on ${answers.length} x 1,523 real answers` : ''}`,
    peer: "majority class, bag-of-words logistic regression, GloVe embeddings alone; FULCRA's DeBERTa evaluator",
    measured: 'mean macro-F1 / kappa / exact match (out-of-fold); paired t interval over folds; held-out macro-F1 difference',
    result:
      `majority ${triple(byName.majority)}, bag of words ${triple(byName.bow)}, embeddings alone ${triple(byName.embedding)}, **default ${triple(def)}**; ` +
      `default - bag of words ${signed(t.estimate)} [${f3(t.ci[0])}, ${f3(t.ci[1])}] over folds (${def.fold_macro_f1.filter((x, i) => x > bow.fold_macro_f1[i]).length}/5 folds better), held out ${diffs.map(signed).join(', ')}` +
      (agreementKappas.length > 0 ? `; kappa with FULCRA's evaluator ${Math.min(...agreementKappas).toFixed(2)} to ${Math.max(...agreementKappas).toFixed(2)} per value` : '') +
      `; ${seconds.toFixed(0)} s in all`,
  },
]);
