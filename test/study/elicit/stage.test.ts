import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../../src/config/schema.js';
import { defaultPopulation } from '../../../src/sim/population.js';
import { ADJ_TO_NOUN } from '../../../src/text/morphology.js';
import type { Embedder } from '../../../src/embed/types.js';
import { SIMULATED_PROVIDERS } from '../../../src/sim/provider.js';
import { analyseResponse, runElicitation } from '../../../src/study/stages/elicit/stage.js';
import { StudyVocabulary } from '../../../src/study/stages/elicit/prose.js';
import { DescriptorNormalizer } from '../../../src/text/normalize.js';
import { runStage, studyEngine } from '../../../src/study/run.js';
import { peek, tempStore } from '../../helpers/sql.js';
import { exportLexicon, listLexicon, listMerges, mergeSynonyms, respondentTermMatrix, setMergeActive, termSources } from '../../../src/study/stages/elicit/lexicon.js';

const POPULATION = defaultPopulation();
const PLANTED = POPULATION.dimensions.flatMap((d) => d.words);
/** Planted words that simulated models sometimes name by an adjective (honesty -> honest). */
const ADJECTIVE_OF = new Map(
  Object.entries(ADJ_TO_NOUN)
    .filter(([adj, noun]) => adj !== noun && !/[\s-]/.test(adj) && PLANTED.includes(noun))
    .reverse()
    .map(([adj, noun]) => [noun, adj]),
);

function config(samples: number) {
  return studyConfigSchema.parse({
    name: 'elicit-test',
    models: POPULATION.models.map((m) => ({ name: m.name, provider: 'simulated', model: `sim/${m.name}` })),
    elicit: { samples, temperature: 1.0 },
  });
}

function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('elicit stage through the engine (in-process simulated population)', async () => {
  const store = tempStore();
  const cfg = config(4);
  const engine = studyEngine(cfg, store, { factories: SIMULATED_PROVIDERS });
  const summary = await runElicitation(engine, cfg);

  it('records one respondent per model x prompt x sample with its raw answer', () => {
    expect(summary.models).toBe(POPULATION.models.length);
    expect(summary.prompts).toBe(18);
    expect(summary.respondents).toBe(POPULATION.models.length * 18 * 4);
    expect(summary.statuses.ok).toBeGreaterThan(0.85 * summary.respondents);
    expect(summary.statuses.refusal ?? 0).toBeGreaterThan(0);
    const missing = peek(store).prepare(`SELECT COUNT(*) AS n FROM elicit_respondents WHERE response_text IS NULL OR request_key IS NULL`).get() as { n: number };
    expect(missing.n).toBe(0);
    const refusals = peek(store).prepare(`SELECT COUNT(*) AS n FROM elicit_respondents r WHERE status = 'refusal' AND EXISTS (SELECT 1 FROM elicit_descriptors d WHERE d.respondent_id = r.id AND d.reject IS NULL)`).get() as { n: number };
    expect(refusals.n).toBe(0);
  });

  it('builds a lexicon of the planted values with per-model counts and traceable first responses', () => {
    const lex = listLexicon(store);
    const terms = new Set(lex.map((e) => e.descriptor));
    for (const w of PLANTED) expect(terms.has(w), w).toBe(true);
    // Adjective answers ("honest", "patient") were merged into the value nouns, not listed apart.
    expect(ADJECTIVE_OF.size).toBeGreaterThanOrEqual(5);
    for (const adj of ADJECTIVE_OF.values()) expect(terms.has(adj), adj).toBe(false);
    const traced = tracedWord();
    const entry = lex.find((e) => e.descriptor === traced)!;
    expect(Object.values(entry.per_model).reduce((a, b) => a + b, 0)).toBe(entry.count);
    expect(entry.n_models).toBe(Object.keys(entry.per_model).length);
    expect(entry.variants).toEqual(expect.arrayContaining([traced, ADJECTIVE_OF.get(traced)]));
    const getText = peek(store).prepare('SELECT response_text FROM elicit_respondents WHERE id = ?');
    for (const e of lex.slice(0, 20)) {
      expect(e.first_seen.length).toBeGreaterThan(0);
      for (const id of e.first_seen) {
        const text = ((getText.get(id) as { response_text: string }).response_text ?? '').toLowerCase();
        expect(e.variants.some((v) => text.includes(v)), `${e.descriptor} in ${id}`).toBe(true);
      }
    }
    const filtered = listLexicon(store, { minCount: 5, minModels: 3 });
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((e) => e.count >= 5 && e.n_models >= 3)).toBe(true);
    expect(filtered.length).toBeLessThanOrEqual(lex.length);
  });

  /** The most often named planted word that has an adjective form. */
  function tracedWord(): string {
    return listLexicon(store).find((e) => ADJECTIVE_OF.has(e.descriptor))!.descriptor;
  }

  it('traces a term to every answer that produced it', () => {
    const traced = tracedWord();
    const entry = listLexicon(store).find((e) => e.descriptor === traced)!;
    const sources = termSources(store, traced);
    expect(sources).toHaveLength(entry.count);
    expect(sources.slice(0, entry.first_seen.length).map((s) => s.respondent_id)).toEqual(entry.first_seen);
    for (const s of sources) expect(s.response_text).toContain(s.raw);
    expect(new Set(sources.map((s) => s.raw.toLowerCase().replace(/[^a-z]/g, '')))).toContain(ADJECTIVE_OF.get(traced));
    expect(termSources(store, traced, { limit: 3 })).toHaveLength(3);
  });

  it('the respondent x term matrix carries the planted factor structure', () => {
    const words = PLANTED;
    const dimOf = POPULATION.dimensions.flatMap((d, i) => d.words.map(() => i));
    const m = respondentTermMatrix(store, { terms: words, binary: true });
    expect(m.terms).toEqual(words);
    expect(m.respondents.length).toBe(summary.statuses.ok);
    expect(m.matrix.every((row) => row.length === words.length && row.every((v) => v === 0 || v === 1))).toBe(true);
    const cols = words.map((_, j) => m.matrix.map((row) => row[j]!));
    let within = 0;
    let nWithin = 0;
    let between = 0;
    let nBetween = 0;
    for (let a = 0; a < words.length; a++) {
      for (let b = a + 1; b < words.length; b++) {
        const r = pearson(cols[a]!, cols[b]!);
        if (dimOf[a] === dimOf[b]) {
          within += r;
          nWithin++;
        } else {
          between += r;
          nBetween++;
        }
      }
    }
    expect(within / nWithin).toBeGreaterThan(between / nBetween + 0.1);
  });

  it('stores every prose answer as mined with the final study vocabulary, though most were mined only once, on arrival', () => {
    const db = peek(store);
    const answers = db.prepare(`SELECT id, format, response_text AS text, finish_reason AS finish, status, vocab_size FROM elicit_respondents WHERE response_text IS NOT NULL ORDER BY seq`).all() as Array<{ id: string; format: string | null; text: string; finish: string | null; status: string; vocab_size: number | null }>;
    const rowsOf = db.prepare(`SELECT position, raw, candidate, descriptor, term_key, reject FROM elicit_descriptors WHERE respondent_id = ? ORDER BY position`);
    // The final vocabulary, from the list answers as stored.
    const vocabulary = new StudyVocabulary();
    for (const a of answers) if (a.format !== 'prose') vocabulary.add(rowsOf.all(a.id) as Array<{ candidate: string | null; descriptor: string | null }>);
    const final = vocabulary.words();
    const normalizer = new DescriptorNormalizer();
    let prose = 0;
    let vocabularyMatters = 0;
    let minedOnce = 0;
    for (const a of answers.filter((x) => x.format === 'prose')) {
      const truncated = a.finish === 'length' || a.finish === 'max_tokens';
      // Refusals are judged by the built-in words; the rest is mined with the study's words.
      const plain = analyseResponse(a.text, normalizer, { truncated });
      const mined = plain.parsed.reject === undefined || plain.parsed.reject === 'no-values';
      const expected = mined ? analyseResponse(a.text, normalizer, { truncated, vocabulary: final }) : plain;
      expect({ id: a.id, status: a.status, rows: rowsOf.all(a.id) }).toEqual({ id: a.id, status: expected.parsed.reject ?? 'ok', rows: expected.rows });
      prose++;
      if (JSON.stringify(plain.rows) !== JSON.stringify(expected.rows)) vocabularyMatters++;
      if (a.vocab_size !== null && a.vocab_size < final.size) minedOnce++;
    }
    db.close();
    // Not vacuous: prose answers exist, the study's words changed some, and some kept their first mining.
    expect(prose).toBeGreaterThan(50);
    expect(vocabularyMatters).toBeGreaterThan(0);
    expect(minedOnce).toBeGreaterThan(0);
  });

  it('a re-run answers from the cache and rebuilds the same tables', async () => {
    const before = listLexicon(store);
    const again = await runElicitation(studyEngine(cfg, store, { factories: SIMULATED_PROVIDERS }), cfg);
    expect(again.respondents).toBe(summary.respondents);
    expect(listLexicon(store)).toEqual(before);
    const cached = store.costSummary().reduce((s, c) => s + c.cached, 0);
    expect(cached).toBeGreaterThanOrEqual(summary.respondents);
  });

  it('merges near-synonyms by embedding similarity, recorded and reversible', async () => {
    const before = listLexicon(store);
    // Two planted words of one dimension (any two terms would do).
    const [wa, wb] = POPULATION.dimensions[0]!.words as [string, string];
    const termA = before.find((e) => e.descriptor === wa)!;
    const termB = before.find((e) => e.descriptor === wb)!;
    // A tiny embedder: the two point the same way, every other term is orthogonal.
    const embedder: Embedder = {
      id: 'test:tiny',
      dimension: 64,
      embed: async (texts) =>
        texts.map((t, i) => {
          const v = new Float32Array(texts.length + 1);
          if (t === wa || t === wb) v[texts.length] = 1;
          else v[i] = 1;
          return v;
        }),
    };
    const merges = await mergeSynonyms(store, embedder, { threshold: 0.9 });
    expect(merges).toHaveLength(1);
    const [big, small] = termA.count >= termB.count ? [termA, termB] : [termB, termA];
    expect(merges[0]).toMatchObject({ from: small.descriptor, to: big.descriptor, active: true });
    const merged = listLexicon(store).find((e) => e.descriptor === big.descriptor)!;
    expect(merged.count).toBe(big.count + small.count);
    expect(listLexicon(store).some((e) => e.descriptor === small.descriptor)).toBe(false);
    // The matrix follows the merge: the absorbed term's mentions count for the target.
    const m = respondentTermMatrix(store, { terms: [big.descriptor] });
    expect(m.matrix.reduce((s, r) => s + r[0]!, 0)).toBe(big.count + small.count);
    expect(setMergeActive(store, small.descriptor, false)).toBe(true);
    expect(listMerges(store)[0]!.active).toBe(false);
    expect(listLexicon(store)).toEqual(before);
  });

  it('exports CSV and JSON', () => {
    const entries = listLexicon(store, { limit: 3 });
    const csv = exportLexicon(entries, 'csv').trim().split('\n');
    expect(csv[0]).toBe('descriptor,count,n_models,per_model,variants,first_seen');
    expect(csv).toHaveLength(4);
    expect(csv[1]!.startsWith(`${entries[0]!.descriptor},${entries[0]!.count},${entries[0]!.n_models},`)).toBe(true);
    expect(JSON.parse(exportLexicon(entries, 'json'))).toEqual(entries);
  });
});

describe('elicit stage options', () => {
  it('merges synonyms when the study asks for it and an embedder is given; a custom bank and prompt subset work', async () => {
    const store = tempStore();
    const cfg = studyConfigSchema.parse({
      name: 'elicit-opts',
      models: POPULATION.models.slice(0, 2).map((m) => ({ name: m.name, provider: 'simulated', model: `sim/${m.name}` })),
      elicit: { samples: 3, prompts: ['p1'], merge_synonyms: 0.95, system: 'You are a helpful assistant.' },
    });
    const bank = { version: 7, name: 'custom', prompts: [{ id: 'p1', framing: 'first-person', format: 'list' as const, text: 'Which values do you hold? List them.' }] };
    // Everything is one direction: all terms are "synonyms", so all merge into the most frequent.
    const embedder: Embedder = { id: 'test:one', dimension: 2, embed: async (texts) => texts.map(() => Float32Array.from([1, 0])) };
    const logs: string[] = [];
    const summary = await runElicitation(studyEngine(cfg, store, { factories: SIMULATED_PROVIDERS }), cfg, { bank, embedder, log: (m) => logs.push(m) });
    expect(summary.respondents).toBe(6);
    const request = JSON.parse(peek(store).prepare(`SELECT request FROM requests WHERE stage = 'elicit' LIMIT 1`).pluck().get() as string) as { messages: Array<{ role: string; content: string }> };
    expect(request.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(summary.statuses.ok).toBeGreaterThan(0);
    expect(summary.bank).toBe('custom@7');
    expect(logs.join('\n')).toMatch(/merged \d+ near-synonyms/);
    expect(listMerges(store).length).toBeGreaterThan(0);
    const lex = listLexicon(store);
    expect(lex).toHaveLength(1);
    expect(summary.terms).toBe(1);
    expect(lex[0]!.count).toBe(peek(store).prepare('SELECT COUNT(*) AS n FROM elicit_descriptors WHERE reject IS NULL').pluck().get());
  });
});

describe('resume', () => {
  it('skips a finished elicitation on --resume, but not after the bank wording changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-elicit-resume-'));
    const bankFile = join(dir, 'bank.yaml');
    const bank = (text: string) => `version: 1\nname: b\nprompts:\n  - id: p1\n    framing: first-person\n    format: list\n    text: ${text}\n`;
    writeFileSync(bankFile, bank('Which values do you hold? List them.'));
    const store = tempStore();
    const cfg = studyConfigSchema.parse({
      name: 'resume',
      models: [{ name: 'm', provider: 'simulated', model: `sim/${POPULATION.models[2]!.name}` }],
      elicit: { samples: 2, prompts: ['p1'], bank: bankFile },
    });
    const ctx = { engine: studyEngine(cfg, store, { factories: SIMULATED_PROVIDERS }), config: cfg, log: () => {} };
    expect((await runStage('elicit', ctx, { resume: true })).skipped).toBe(false);
    expect((await runStage('elicit', ctx, { resume: true })).skipped).toBe(true);
    writeFileSync(bankFile, bank('Which values do you hold most? List them.'));
    expect((await runStage('elicit', ctx, { resume: true })).skipped).toBe(false);
  });
});
