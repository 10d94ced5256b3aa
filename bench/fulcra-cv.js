// Value classifier benchmark (issue 5): 5-fold cross-validated per-value macro-F1 and Cohen's kappa
// of the embedding classifier (GloVe features) against the two baselines (majority class;
// bag-of-words logistic regression) on the 1,296 real FULCRA pairs of ../shared/data (provenance in
// its README), or on the shipped test excerpt when that folder is absent.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GloveEmbedder } from '../dist/embed/glove.js';
import { crossValidate } from '../dist/evaluation/classifier.js';
import { readPairs } from '../dist/values/pairs.js';
import { SCHWARTZ_VALUES } from '../dist/values/schwartz.js';

const shared = fileURLToPath(new URL('../../shared/data/fulcra/trustworthy_dev.jsonl', import.meta.url));
const file = process.argv[2] ?? (existsSync(shared) ? shared : fileURLToPath(new URL('../test/fixtures/fulcra/trustworthy_excerpt.jsonl', import.meta.url)));
const { pairs } = await readPairs(file);
console.log(`${pairs.length} labeled pairs from ${file}; 5-fold CV, folds stratified on the label vector, out-of-fold predictions pooled`);
const results = [];
for (const [method, learner] of [['majority'], ['bow'], ['classifier', 'logistic'], ['classifier', 'mlp']]) {
  const t0 = performance.now();
  const r = await crossValidate(pairs, SCHWARTZ_VALUES, method, { folds: 5, seed: 1, embedder: new GloveEmbedder(), ...(learner ? { learner } : {}) });
  results.push({ ...r, method: learner ? learner : method, seconds: (performance.now() - t0) / 1000 });
}
console.log(`${'value'.padEnd(16)}${results.map((r) => `${r.method} F1`.padStart(16) + `${r.method} k`.padStart(15)).join('')}`);
for (const v of SCHWARTZ_VALUES) console.log(v.padEnd(16) + results.map((r) => r.per_value[v].macro_f1.toFixed(3).padStart(16) + (r.per_value[v].kappa ?? 0).toFixed(3).padStart(15)).join(''));
console.log('mean'.padEnd(16) + results.map((r) => r.mean_macro_f1.toFixed(3).padStart(16) + r.mean_kappa.toFixed(3).padStart(15)).join(''));
for (const r of results) console.log(`${r.method}: exact match ${r.exact_match.toFixed(3)}, ${r.seconds.toFixed(1)} s`);

// Agreement with FULCRA's own evaluator (a fine-tuned DeBERTa-v3-large): our classifier, trained on
// all labeled pairs, scores three real models' answers to the same adversarial prompts; FULCRA's
// vectors rounded to -1/0/+1 are the reference.
const { trainClassifier, predictWithClassifier } = await import('../dist/evaluation/classifier.js');
const { classificationReport } = await import('../dist/stats/classification.js');
const answers = ['openai_gpt-4', 'openai_gpt-35-turbo', 'mistral_mistral-large-latest']
  .map((f) => fileURLToPath(new URL(`../../shared/data/fulcra/harmless_test_${f}.jsonl`, import.meta.url)))
  .filter((f) => existsSync(f));
if (answers.length > 0) {
  const embedder = new GloveEmbedder();
  const model = await trainClassifier(pairs, SCHWARTZ_VALUES, embedder);
  const round = (x) => (x >= 0.5 ? 1 : x <= -0.5 ? -1 : 0);
  for (const file of answers) {
    const { pairs: scored } = await readPairs(file);
    const pred = await predictWithClassifier(model, scored, embedder);
    const cells = SCHWARTZ_VALUES.map((v) => {
      const r = classificationReport(scored.map((p) => round(p.values[v])), pred.map((p) => p.values[v]));
      return `${v.slice(0, 6)} ${r.accuracy.toFixed(2)}/${(r.kappa ?? 0).toFixed(2)}`;
    });
    console.log(`agreement with FULCRA's evaluator on ${scored.length} answers of ${scored[0]?.source} (accuracy/kappa): ${cells.join(', ')}`);
  }
}
