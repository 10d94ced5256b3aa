/**
 * Subdimensions by k-means of a dimension's words on their embeddings, k chosen by the gap
 * statistic (which may say k = 1: no subdimensions) and then silhouette; and the naming prompt,
 * which tells the judge the signs of a bipolar factor's words.
 */
import { describe, expect, it } from 'vitest';
import { GloveEmbedder } from '../../../src/embed/glove.js';
import { namingPrompt } from '../../../src/judge/naming.js';
import { createRng } from '../../../src/stats/rng.js';
import { splitDimension } from '../../../src/study/stages/taxonomy/subdimensions.js';

describe('subdimensions', () => {
  it('splits two planted clusters of points and leaves one cloud whole', () => {
    const rng = createRng(5);
    const words = Array.from({ length: 12 }, (_, i) => `w${i}`);
    const two = words.map((_, i) => Array.from({ length: 20 }, (_, d) => (d === 0 ? (i < 6 ? 4 : -4) : 0) + 0.5 * rng.normal()));
    const split = splitDimension(words, two, 'silhouette', 1);
    expect(split.k).toBe(2);
    expect(split.clusters.map((c) => [...c].sort()).sort()).toEqual([words.slice(0, 6), words.slice(6)].map((c) => [...c].sort()).sort());
    const one = words.map(() => Array.from({ length: 20 }, () => rng.normal()));
    const whole = splitDimension(words, one, 'silhouette', 1);
    expect(whole.k).toBe(1);
    expect(whole.clusters).toEqual([]);
    expect(whole.rule).toMatch(/gap statistic/);
  });

  it('separates words of three kinds by their GloVe embeddings, and keeps one kind whole', async () => {
    const glove = new GloveEmbedder();
    const kinds = [['accuracy', 'precision', 'efficiency', 'reliability', 'thoroughness', 'clarity'], ['kindness', 'compassion', 'empathy', 'warmth', 'generosity', 'gentleness'], ['safety', 'privacy', 'security']];
    const words = kinds.flat();
    const split = splitDimension(words, await glove.embed(words), 'silhouette', 1);
    expect(split.k).toBe(3);
    expect(split.clusters.map((c) => [...c].sort()).sort()).toEqual(kinds.map((c) => [...c].sort()).sort());
    const one = ['helpfulness', 'accuracy', 'knowledge', 'efficiency', 'clarity', 'reliability', 'precision', 'thoroughness', 'usefulness', 'competence'];
    expect(splitDimension(one, await glove.embed(one), 'silhouette', 1).k).toBe(1);
  });

  it('tells the judge the signs of a bipolar factor, and nothing about signs for a unipolar one', () => {
    const bipolar = namingPrompt(['obedience', 'conformity', 'autonomy', 'independence'], { loadings: [0.7, 0.6, -0.5, -0.6] });
    expect(bipolar).toContain('These value words load together on one factor, strongest first: ["obedience","conformity","autonomy","independence"].');
    expect(bipolar).toContain('The factor is bipolar: words marked + load positively and words marked - load negatively: +obedience (0.70), +conformity (0.60), -autonomy (-0.50), -independence (-0.60).');
    expect(bipolar).toMatch(/contrast between its two poles/);
    const unipolar = namingPrompt(['honesty', 'fairness'], { loadings: [0.8, 0.6] });
    expect(unipolar).not.toMatch(/bipolar/);
    expect(namingPrompt(['honesty', 'candor'], { within: 'Integrity' })).toContain('one cluster within the broader dimension "Integrity"');
  });
});
