/**
 * The paper's respondent: one model answering one prompt. Its repeated samples (and temperatures)
 * are aggregated within the row (counts or any-mention), refusals are not samples, and the
 * agreement of a respondent's samples is its row's reliability. The reduction from descriptors to
 * lexicon terms is counted.
 */
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../../src/store/store.js';
import { buildLexicon, elicitationMatrix, lexiconReduction } from '../../../src/study/stages/elicit/lexicon.js';
import { elicitationWriter, ensureElicitSchema, type DescriptorRecord, type RespondentRow } from '../../../src/study/stages/elicit/tables.js';

function fixture(): RunStore {
  const store = RunStore.open(':memory:');
  ensureElicitSchema(store);
  const write = elicitationWriter(store);
  let seq = 0;
  const answer = (model: string, prompt: string, sample: number, words: string[] | 'refusal', temperature = 1): { respondent: RespondentRow; descriptors: DescriptorRecord[] } => {
    const id = `${model}/${prompt}/t${temperature}/s${sample}`;
    const refusal = words === 'refusal';
    return {
      respondent: { id, seq: seq++, model, prompt_id: prompt, bank: 'elicit@1', sample, temperature, request_key: null, response_text: 'x', status: refusal ? 'refusal' : 'ok', format: 'list', finish_reason: 'stop', error: null, vocab_size: null, vocab_words: null },
      descriptors: refusal ? [] : words.map((w, i) => ({ respondent_id: id, position: i, raw: w, candidate: w, descriptor: w, term_key: w, reject: null })),
    };
  };
  write([
    // m1 x p1: three samples; honesty in all, kindness in two, fairness in one.
    answer('m1', 'p1', 0, ['honesty', 'kindness']),
    answer('m1', 'p1', 1, ['honesty', 'kindness', 'fairness']),
    answer('m1', 'p1', 2, ['honesty']),
    // m1 x p2: two samples that agree exactly, and a refusal that is not a sample.
    answer('m1', 'p2', 0, ['fairness']),
    answer('m1', 'p2', 1, ['fairness']),
    answer('m1', 'p2', 2, 'refusal'),
    // m2 x p1: samples at two temperatures are repeated measurements of one respondent too.
    answer('m2', 'p1', 0, ['kindness'], 0.5),
    answer('m2', 'p1', 0, ['honesty'], 1),
    answer('m2', 'p1', 1, ['zeal'], 1),
  ]);
  buildLexicon(store);
  return store;
}

describe('the elicitation matrix of the paper (model x prompt respondents)', () => {
  it('aggregates samples within the respondent: counts, any-mention, refusals left out', () => {
    const store = fixture();
    const terms = ['honesty', 'kindness', 'fairness'];
    const counts = elicitationMatrix(store, { terms, cells: 'count' });
    expect(counts.respondents).toEqual([
      { id: 'm1/p1', model: 'm1', prompt_id: 'p1', samples: 3 },
      { id: 'm1/p2', model: 'm1', prompt_id: 'p2', samples: 2 },
      { id: 'm2/p1', model: 'm2', prompt_id: 'p1', samples: 3 },
    ]);
    expect(counts.maxSamples).toBe(3);
    // m1/p2 has 2 samples: its fairness 2/2 goes on the 0..3 scale as 3.
    expect(counts.matrix).toEqual([[3, 2, 1], [0, 0, 3], [1, 1, 0]]);
    const any = elicitationMatrix(store, { terms, cells: 'any' });
    expect(any.matrix).toEqual([[1, 1, 1], [0, 0, 1], [1, 1, 0]]);
    store.close();
  });

  it("gives each row's reliability as the mean pairwise Jaccard of its samples", () => {
    const store = fixture();
    const m = elicitationMatrix(store, { terms: ['honesty', 'kindness', 'fairness'], cells: 'any' });
    // m1/p1: {h,k} {h,k,f} {h}: J = 2/3, 1/2, 1/3 -> 1/2.
    expect(m.reliability[0]).toBeCloseTo(0.5, 12);
    expect(m.reliability[1]).toBe(1);
    // m2/p1: {k} {h} {} (zeal is not analysed): only two samples named a term, J = 0.
    expect(m.reliability[2]).toBe(0);
    store.close();
  });

  it('counts the reduction from descriptors to lexicon terms', () => {
    const store = fixture();
    const r = lexiconReduction(store, { minCount: 2, minModels: 2 });
    expect(r).toEqual({ descriptors: 11, unique_terms: 4, lexicon_terms: 2, min_count: 2, min_models: 2 });
    store.close();
  });
});
