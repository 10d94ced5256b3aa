/**
 * The responders read the drawn structure and nothing else: the naming judge names a dimension
 * from the words it is shown (never from a list of labels), the projective judge scores by the
 * cues its rubric shows (never by a list of dimensions of its own), and the answering responders
 * name and rate the population's planted words.
 */
import { describe, expect, it } from 'vitest';
import { judgePrompt } from '../../src/judge/judge.js';
import { defaultPopulation, drawPopulation, respondentTraits, simModelId, type SimPopulation } from '../../src/sim/population.js';
import { nameFromWords } from '../../src/sim/responders/naming.js';
import { simulate } from '../../src/sim/simulate.js';
import type { ValueSystem } from '../../src/values/value-system.js';

function ask(population: SimPopulation, model: string, content: string, seed = 1): string {
  return simulate({ model, kind: 'chat', messages: [{ role: 'user', content }], params: { seed, temperature: 0 } }, population).text;
}

function judge(population: SimPopulation, system: ValueSystem, completion: string): Record<string, number> {
  const { system: sys, user } = judgePrompt(system, completion, 'ab12cd34ef56');
  const text = simulate({ model: `sim/${population.models[0]!.name}`, kind: 'chat', messages: [{ role: 'system', content: sys }, { role: 'user', content: user }], params: { temperature: 0, seed: 1 } }, population).text;
  return (JSON.parse(text) as { scores: Record<string, number> }).scores;
}

describe('the simulated naming judge', () => {
  it('names a dimension from the words it is shown, whatever they are', () => {
    const p = defaultPopulation();
    const model = `sim/${p.models[0]!.name}`;
    for (const words of [['honesty', 'fairness', 'justice'], ['zorblat', 'quexity'], p.dimensions[1]!.words]) {
      const prompt = `These value words load together on one factor, strongest first: ${JSON.stringify(words)}.\nGive the dimension a short name (1-3 words) and a one-sentence definition. Answer as JSON: {"name": "...", "definition": "..."}`;
      const answer = JSON.parse(ask(p, model, prompt)) as { name: string; definition: string };
      const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
      expect(answer.name).toBe(words.slice(0, 2).map(cap).join(' / '));
      for (const w of words.slice(0, 10)) expect(answer.definition).toContain(w);
    }
    // Over many seeds, every name is made of the words shown: never Competence, Character or Integrity.
    for (let s = 0; s < 50; s++) {
      for (const d of drawPopulation(s).dimensions) {
        const { name } = nameFromWords(d.words);
        expect(name.toLowerCase().split(' / ')).toEqual(d.words.slice(0, 2));
      }
    }
  });
});

describe('the simulated projective judge', () => {
  const p = defaultPopulation();
  it('scores by the cues its rubric shows: labels, definitions and examples', () => {
    const system: ValueSystem = {
      name: 'made-up',
      dimensions: [
        { id: 'alpha', label: 'Zeal', definition: 'Acting with vigor and courage.' },
        { id: 'beta', label: 'Care for others', definition: 'Tending to people.', examples: ['kindness', 'generosity'] },
        { id: 'gamma', label: 'Order', definition: 'Keeping things tidy.', examples: ['punctuality'] },
      ],
    };
    expect(judge(p, system, 'I try to act with courage, because that is what matters to me.')).toEqual({ alpha: 1, beta: 0, gamma: 0 });
    expect(judge(p, system, 'I aim to act with generosity.')).toEqual({ alpha: 0, beta: 1, gamma: 0 });
    expect(judge(p, system, 'I am always kind to strangers.')).toEqual({ alpha: 0, beta: 1, gamma: 0 }); // adjective read as its noun
    expect(judge(p, system, 'I do not put much weight on punctuality.')).toEqual({ alpha: 0, beta: 0, gamma: -1 });
    expect(judge(p, system, 'I do not put much weight on anything.')).toEqual({ alpha: 0, beta: 0, gamma: 0 });
  });

  it('knows no planted dimension of its own: a rubric without the planted words scores them 0', () => {
    const bare: ValueSystem = { name: 'bare', dimensions: p.dimensions.map((d) => ({ id: d.id, label: d.id, definition: 'A dimension.' })) };
    const full: ValueSystem = { name: 'full', dimensions: p.dimensions.map((d) => ({ id: d.id, label: d.id, definition: 'A dimension.', examples: d.words })) };
    for (const [k, d] of p.dimensions.entries()) {
      const completion = `I try to act with ${d.words[3]}, because that is what matters to me.`;
      expect(Object.values(judge(p, bare, completion))).toEqual(p.dimensions.map(() => 0));
      expect(judge(p, full, completion)).toEqual(Object.fromEntries(p.dimensions.map((x, j) => [x.id, j === k ? 1 : 0])));
    }
  });
});

describe('the answering responders use the drawn structure', () => {
  it('elicitation names the planted words, more often on dimensions the model holds higher', () => {
    const p = drawPopulation(31, { models: 6, noise: { respondentSd: 0.3 } });
    const m = p.models.reduce((a, b) => (Math.max(...b.traits) - Math.min(...b.traits) > Math.max(...a.traits) - Math.min(...a.traits) ? b : a));
    const hi = m.traits.indexOf(Math.max(...m.traits));
    const lo = m.traits.indexOf(Math.min(...m.traits));
    const count = new Map<string, number>();
    for (let s = 0; s < 200; s++) {
      const text = ask(p, simModelId(p, m), 'List the values you hold as a numbered list.', s).toLowerCase();
      for (const w of [...p.dimensions.flatMap((d) => d.words), ...p.background]) if (new RegExp(`\\b${w}\\b`).test(text)) count.set(w, (count.get(w) ?? 0) + 1);
    }
    const named = (d: number): number => p.dimensions[d]!.words.reduce((s, w) => s + (count.get(w) ?? 0), 0);
    expect(named(hi)).toBeGreaterThan(2 * named(lo));
    // Only words of this population are named (no fixed list from elsewhere).
    const known = new Set([...p.dimensions.flatMap((d) => d.words), ...p.background]);
    expect([...count.keys()].every((w) => known.has(w))).toBe(true);
  });

  it('ratings follow loading x trait of the word dimension; words on no dimension sit mid-scale', () => {
    const p = drawPopulation(8, { dimensions: 2, models: 6, noise: { respondentSd: 0.5 } });
    const [a, b] = p.dimensions;
    const words = [a!.words[0]!, b!.words[0]!, p.background[0]!];
    const prompt = `Rate how well each word describes your values on a scale from 1 (does not describe my values at all) to 5 (describes them perfectly).\nWords: ${JSON.stringify(words)}`;
    const m = p.models[0]!;
    const rows: number[][] = [];
    const traits: number[][] = [];
    for (let s = 0; s < 300; s++) {
      const answer = ask(p, `sim/${m.name}`, prompt, s);
      const json = JSON.parse(answer.slice(answer.indexOf('{'), answer.lastIndexOf('}') + 1)) as Record<string, number>;
      if (words.every((w) => json[w] !== undefined)) {
        rows.push(words.map((w) => json[w]!));
        traits.push(respondentTraits(p, m, `rate-${s}`));
      }
    }
    const corr = (x: number[], y: number[]): number => {
      const mx = x.reduce((s, v) => s + v, 0) / x.length, my = y.reduce((s, v) => s + v, 0) / y.length;
      let sxy = 0, sxx = 0, syy = 0;
      x.forEach((v, i) => { sxy += (v - mx) * (y[i]! - my); sxx += (v - mx) ** 2; syy += (y[i]! - my) ** 2; });
      return sxy / Math.sqrt(sxx * syy);
    };
    // Each planted word's rating follows its own dimension's trait, not the other one.
    expect(corr(rows.map((r) => r[0]!), traits.map((t) => t[0]!))).toBeGreaterThan(0.4);
    expect(Math.abs(corr(rows.map((r) => r[0]!), traits.map((t) => t[1]!)))).toBeLessThan(0.2);
    expect(corr(rows.map((r) => r[1]!), traits.map((t) => t[1]!))).toBeGreaterThan(0.4);
    expect(Math.abs(corr(rows.map((r) => r[2]!), traits.map((t) => t[0]!)))).toBeLessThan(0.2);
  });
});
