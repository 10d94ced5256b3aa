/**
 * The value classifier: softmax regression recovers a planted rule; on real FULCRA pairs
 * (test/fixtures/fulcra, provenance in its README) its cross-validated macro-F1 and kappa are far
 * above the majority baseline; the saved model file reloads to identical predictions offline.
 */
import { describe, expect, it } from 'vitest';
import { GloveEmbedder } from '../../src/embed/glove.js';
import { crossValidate, parseClassifier, predictWithClassifier, trainBagOfWords, trainClassifier } from '../../src/evaluation/classifier.js';
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
    const embedder = new GloveEmbedder();
    const majority = await crossValidate(pairs, SCHWARTZ_VALUES, 'majority', { folds: 5 });
    const bow = await crossValidate(pairs, SCHWARTZ_VALUES, 'bow', { folds: 5 });
    const clf = await crossValidate(pairs, SCHWARTZ_VALUES, 'classifier', { folds: 5, embedder });
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
    const embedder = new GloveEmbedder();
    const model = await trainClassifier(pairs.slice(0, 200), SCHWARTZ_VALUES, embedder);
    const reloaded = parseClassifier(JSON.stringify(model), 'model.json');
    const a = await predictWithClassifier(model, pairs.slice(200, 230), embedder);
    const b = await predictWithClassifier(reloaded, pairs.slice(200, 230), embedder);
    expect(b).toEqual(a);
    for (const p of a) for (const v of SCHWARTZ_VALUES) {
      expect([-1, 0, 1]).toContain(p.values[v]);
      expect(Math.abs(p.expected[v]!)).toBeLessThanOrEqual(1);
    }
    await expect(predictWithClassifier(model, pairs.slice(0, 2), { id: 'openai:other', dimension: 3, embed: async () => [] })).rejects.toThrow(/trained on glove:.* embeddings, not openai:other/);
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
  }, 60_000);
});
