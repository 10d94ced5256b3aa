/**
 * The judge as a measured instrument. Pure parts: calibration correction recovers a planted
 * prevalence, flip rates, combination. End to end against the local model server: simulated judges
 * that are deterministic, noisy (+noisy), position-biased (+first), length-biased (+long) or
 * self-preferring (+self); each check must detect what was planted and stay quiet otherwise.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_SEED, drawPopulation } from '../../src/sim/population.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { calibratedMean, confusionRates, correctedDistribution } from '../../src/judge/calibrate-judge.js';
import { combineJudges, flipRates, judgeStabilityOf, pairedShift, type RescoredUnit } from '../../src/judge/checks.js';
import { JUDGE_VARIANT_COUNT, judgePrompt, majorityScores } from '../../src/judge/judge.js';
import { createRng } from '../../src/stats/rng.js';
import type { JudgeQuality } from '../../src/study/stages/projective/stage.js';
import { runCliAsync } from '../helpers/cli.js';

describe('calibration and checks (pure)', () => {
  it('corrects observed judge scores back to the planted distribution, interval covering it', () => {
    const rng = createRng(9);
    const truthP = [0.15, 0.55, 0.3];
    // Planted judge: calls +1 as 0 two times in five, 0 as +1 one time in fifty, -1 as 0 a fifth.
    const M = [[0.8, 0.2, 0], [0, 0.98, 0.02], [0, 0.4, 0.6]];
    const draw = (p: number[]): number => { let u = rng.next(); let k = 0; while (k < 2 && u > p[k]!) u -= p[k++]!; return k - 1; };
    const judge = (t: number): number => draw(M[t + 1]!);
    const labeledTruth = Array.from({ length: 600 }, () => draw(truthP));
    const labeledJudged = labeledTruth.map(judge);
    const population = Array.from({ length: 3000 }, () => judge(draw(truthP)));
    const est = confusionRates(labeledTruth, labeledJudged, 0);
    est.forEach((row, t) => row.forEach((x, j) => expect(x).toBeCloseTo(M[t]![j]!, 1)));
    const p = correctedDistribution(population, est);
    p.forEach((x, k) => expect(x).toBeCloseTo(truthP[k]!, 1));
    const c = calibratedMean(population, { truth: labeledTruth, judged: labeledJudged }, { iterations: 300, seed: 2 });
    const trueMean = truthP[2]! - truthP[0]!;
    expect(Math.abs(c.raw - trueMean)).toBeGreaterThan(0.05); // the judge alone is biased
    expect(Math.abs(c.corrected - trueMean)).toBeLessThan(0.04);
    expect(c.ci_low).toBeLessThan(trueMean);
    expect(c.ci_high).toBeGreaterThan(trueMean);
  });

  it('flip rates, paired shifts and judge combination', () => {
    const f = flipRates([
      { unit: 'a', item: 'i1', dimension: 'x', scores: [1, 1, 1] },
      { unit: 'b', item: 'i1', dimension: 'x', scores: [1, 0, 1] },
      { unit: 'c', item: 'i2', dimension: 'y', scores: [0, 0, 0] },
    ]);
    expect(f.overall).toBeCloseTo(1 / 3, 12);
    expect(f.per_item).toEqual({ i1: 0.5, i2: 0 });
    expect(f.unstable_items).toEqual(['i1']);
    expect(pairedShift([0, 0, 1, 1], [1, 0, 1, 1])).toMatchObject({ mean_shift: 0.25, changed: 0.25 });
    expect(combineJudges([1, 1, 0], 'majority')).toBe(1);
    expect(combineJudges([1, -1], 'majority')).toBe(0);
    expect(combineJudges([1, 0], 'mean')).toBe(0.5);
    expect(majorityScores([{ a: 1 }, { a: 0 }, undefined, { a: 1 }], { name: 's', dimensions: [{ id: 'a', label: 'A', definition: 'x' }] })).toEqual({ a: 1 });
  });
});

describe('judge stability: determinism told apart from stability', () => {
  const unit = (id: string, item: string, scores: Array<number | null>, hashes: Array<string | null>, reference?: number): RescoredUnit => ({ unit: id, item, dimension: 'd', scores, hashes, ...(reference !== undefined ? { reference } : {}) });

  it('byte-identical repeats at temperature 0.7: deterministic, not stable', () => {
    const s = judgeStabilityOf([unit('c1', 'i1', [1, 1, 1], ['h', 'h', 'h']), unit('c2', 'i2', [0, 0, 0], ['g', 'g', 'g'])], 'repeat', 0.7);
    expect(s.status).toBe('deterministic');
    expect(s.identical_answers).toBe(1);
    expect(s.flips.overall).toBe(0);
    expect(s.note).toMatch(/deterministic/);
  });

  it('answers that differ in wording but not in score: stable, with the share of identical answers', () => {
    const s = judgeStabilityOf([unit('c1', 'i1', [1, 1], ['a', 'b']), unit('c2', 'i2', [0, 0], ['g', 'g'])], 'repeat', 0.7);
    expect(s.status).toBe('stable');
    expect(s.identical_answers).toBe(0.5);
  });

  it('flipping scores: unstable, with unstable items and agreement below 1', () => {
    const units = Array.from({ length: 20 }, (_, i) => unit(`c${i}`, `i${i % 4}`, i % 3 === 0 ? [1, 0, 1] : [1, 1, 1], ['a', 'b', 'c']));
    const s = judgeStabilityOf(units, 'repeat', 0.7);
    expect(s.status).toBe('unstable');
    expect(s.flips.overall).toBeCloseTo(7 / 20, 12);
    expect(s.flips.unstable_items.length).toBeGreaterThan(0);
    expect(s.agreement.d!).toBeLessThan(1);
    expect(s).toMatchObject({ n_completions: 20, n_units: 20, k: 3, unit: 'completion x dimension' });
  });

  it('an older run: repeats at temperature 0 without answers cannot show stability', () => {
    const s = judgeStabilityOf([unit('c1', 'i1', [1, 1], [null, null])], 'repeat', 0);
    expect(s.status).toBe('not measurable');
  });

  it('paraphrased instructions are compared with the canonical score', () => {
    const s = judgeStabilityOf([unit('c1', 'i1', [1, 1], ['a', 'b'], 0), unit('c2', 'i1', [1, 1], ['a', 'b'], 1)], 'variant', 0);
    expect(s.flips.overall).toBe(0.5);
    expect(s.status).toBe('unstable');
  });

  it('instruction variants keep the rubric, the fence and the answer shape; variant 0 is the canonical prompt', () => {
    const system = { name: 's', dimensions: [{ id: 'care', label: 'Care', definition: 'Caring for others.' }] };
    const canonical = judgePrompt(system, 'I help.', 'abc123');
    expect(canonical.system).toMatch(/^You are a careful rater of values expressed in text\./);
    expect(canonical.user).toContain('The completion to rate is between the markers <completion-abc123> and </completion-abc123>.');
    expect(JUDGE_VARIANT_COUNT).toBe(4);
    const seen = new Set([canonical.system]);
    for (let v = 1; v <= JUDGE_VARIANT_COUNT; v++) {
      const p = judgePrompt(system, 'I help.', 'abc123', 'completion', v);
      expect(p.user).toContain('- care (Care): Caring for others.');
      expect(p.user).toContain('<completion-abc123>\nI help.\n</completion-abc123>');
      expect(p.user).toContain('{"scores": {"care": -1|0|1}}');
      expect(p.system).toMatch(/instruction|direction|command/);
      seen.add(p.system);
    }
    expect(seen.size).toBe(JUDGE_VARIANT_COUNT + 1);
    expect(() => judgePrompt(system, 'x', 'n', 'completion', JUDGE_VARIANT_COUNT + 1)).toThrow(RangeError);
  });
});

describe('judge checks end to end', () => {
  // A population with three families, so each studied model has its own turn of phrase (what a
  // self-preferring judge recognises); its structure is drawn from the default seed.
  const POPULATION = drawPopulation(DEFAULT_SEED, { models: 6, groups: { family: ['atlas', 'boreal', 'cirrus'], training: ['instruct', 'rlhf'] } });
  const PLANTED = POPULATION.dimensions;
  const byFamily = (f: string): string => POPULATION.models.find((m) => m.family === f)!.name;
  const [A, B, C] = [byFamily('atlas'), byFamily('boreal'), byFamily('cirrus')];
  const D = POPULATION.models.find((m) => ![A, B, C].includes(m.name))!.name;
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ population: POPULATION });
  });
  afterAll(async () => server.close());

  const SYSTEM = { name: 'planted', dimensions: PLANTED.map((d) => ({ id: d.id, label: d.id, definition: `Values such as ${d.words.slice(0, 2).join(' and ')}.`, examples: d.words })) };

  function study(dir: string, judges: string[], projective: Record<string, unknown>): string {
    writeFileSync(join(dir, 'planted.yaml'), stringify(SYSTEM));
    const models = [A, B, C].map((m) => `  - {name: ${m}, provider: openai, base_url: "${server.url}/v1", model: sim/${m}, concurrency: 8}`).join('\n');
    // Judges are named apart from the studied models (names are unique across both).
    const js = judges.map((j) => `  - {name: judge-${j.replace(/[^a-z0-9]+/gi, '-')}, provider: openai, base_url: "${server.url}/v1", model: sim/${j}}`).join('\n');
    writeFileSync(join(dir, 'study.yaml'), `name: judge\nstore: run.db\nseed: 3\nmodels:\n${models}\njudge:\n${js}\nprojective: ${JSON.stringify({ samples: 3, system: join(dir, 'planted.yaml'), ...projective })}\n`);
    return join(dir, 'study.yaml');
  }

  function quality(dir: string): JudgeQuality {
    const db = new Database(join(dir, 'run.db'), { readonly: true });
    const meta = JSON.parse((db.prepare(`SELECT value FROM meta WHERE key = 'projective'`).get() as { value: string }).value) as { judge_quality: JudgeQuality };
    db.close();
    return meta.judge_quality;
  }

  it('stability, order, length and self-preference checks and calibration detect what was planted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-judge-'));
    // Labeled pairs: value words of one planted dimension (+1) or its negation (-1).
    const rng = createRng(4);
    // 20 labeled pairs per planted dimension (what the checks need whatever the number of dimensions).
    const labeled = Array.from({ length: 20 * PLANTED.length }, (_, i) => {
      const d = PLANTED[i % PLANTED.length]!;
      const w = d.words[rng.int(d.words.length)]!;
      const neg = i % 5 === 0;
      // Distinct texts (as in a real labeled set), so the noisy judge errs independently on each.
      const text = neg ? `I do not put much weight on ${w}` : `I try to act with ${w}`;
      return { id: `L${i}`, prompt: '', response: `${text} (pair ${i}).`, values: Object.fromEntries(PLANTED.map((x) => [x.id, x.id === d.id ? (neg ? -1 : 1) : 0])) };
    });
    writeFileSync(join(dir, 'labels.jsonl'), labeled.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const judges = [C, `${A}+noisy`, `${B}+first`, `${D}+long`, `${C}+self`];
    const file = study(dir, judges, { judge_repeats: 2, judge_checks: ['order', 'length', 'self'], calibration: join(dir, 'labels.jsonl') });
    const r = await runCliAsync(['projective', file, '--json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/valuelex: /);
    expect(r.code).toBe(0);
    const q = quality(dir);
    const name = (j: string): string => `judge-${j.replace(/[^a-z0-9]+/gi, '-')}`;
    const [plain, noisy, first, long, self] = judges.map(name) as [string, string, string, string, string];

    // Stability: repeats at temperature 0.7 (the default for repeats). The plain simulated judge answers
    // byte-identically whatever the temperature: reported as deterministic, not as stable. The noisy one flips.
    expect(q.repeats).toBe(2);
    expect(q.repeat_temperature).toBe(0.7);
    expect(q.stability![plain]!.status).toBe('deterministic');
    expect(q.stability![plain]!.identical_answers).toBe(1);
    expect(q.stability![plain]!.flips.overall).toBe(0);
    expect(q.stability![noisy]!.status).toBe('unstable');
    expect(q.stability![noisy]!.flips.overall).toBeGreaterThan(0.2);
    expect(q.stability![noisy]!.flips.unstable_items.length).toBeGreaterThan(10);
    expect(q.stability![noisy]!.identical_answers).toBeLessThan(0.5);
    for (const d of PLANTED) expect(q.stability![noisy]!.agreement[d.id]!).toBeLessThan(0.9);
    // Order: listing the dimensions in reverse takes the position bias off the first dimension.
    const firstDim = PLANTED[0]!.id, lastDim = PLANTED[PLANTED.length - 1]!.id;
    expect(q.order![first]![firstDim]!.mean_shift).toBeLessThan(-0.1);
    expect(q.order![first]![lastDim]!.mean_shift).toBeGreaterThan(0.1);
    for (const d of PLANTED) expect(q.order![plain]![d.id]!.changed).toBe(0);
    // Length: the length-biased judge's scores correlate with length more than the plain judge's.
    // (Each score is one answer of the judge, not a majority of repeats, so the planted bias is not amplified.)
    const lengthGap = PLANTED.map((d) => q.length![long]![d.id]!.r - q.length![plain]![d.id]!.r);
    for (const g of lengthGap) expect(g).toBeGreaterThan(0.05);
    expect(lengthGap.reduce((a, b) => a + b, 0) / lengthGap.length).toBeGreaterThan(0.1);
    // Self-preference: own (C's) completions get more than others, beyond what the plain C judge shows.
    for (const d of PLANTED) expect(q.self_preference![self]![d.id]!.difference).toBeGreaterThan(q.self_preference![plain]![d.id]!.difference + 0.1);
    // Several judges: kappa of the plain judge with the self judge beats kappa with the noisy one.
    const kappa = (a: string, b: string, d: string): number => q.pairwise_kappa!.find((k) => ((k.a === a && k.b === b) || (k.a === b && k.b === a)) && k.dimension === d)!.kappa!;
    for (const d of PLANTED) expect(kappa(plain, self, d.id)).toBeGreaterThan(kappa(plain, noisy, d.id));
    // Calibration: the noisy judge disagrees with the labels most; correction moves its means toward the plain judge's.
    const acc = q.calibration!.accuracy;
    expect(acc[plain]!.overall).toBe(1);
    expect(acc[noisy]!.overall).toBeLessThan(0.95);
    // The position-biased judge is wrong where its bias acts: on the first-listed dimension.
    expect(acc[first]!.per_dimension[firstDim]!).toBeLessThan(acc[first]!.per_dimension[lastDim]! - 0.1);
    // The noisy judge shrinks means toward 0 (by about its flip rate): across model x dimension
    // cells its means fall on a line of slope < 1 against the plain judge's. The correction undoes
    // that shrinkage (slope back toward 1), and in every cell where the bias is material (beyond
    // the correction's own sampling error, about 0.07 here) it brings the mean closer.
    const rows = q.calibration!.corrected;
    const plainMeans: number[] = [], rawMeans: number[] = [], corrMeans: number[] = [];
    for (const row of rows.filter((x) => x.judge === noisy)) {
      const ref = rows.find((x) => x.judge === plain && x.model === row.model && x.dimension === row.dimension)!;
      plainMeans.push(ref.raw);
      rawMeans.push(row.raw);
      corrMeans.push(row.corrected);
      if (Math.abs(row.raw - ref.raw) > 0.1) expect(Math.abs(row.corrected - ref.raw), `${row.model} ${row.dimension}: raw ${row.raw}, corrected ${row.corrected}, plain ${ref.raw}`).toBeLessThan(Math.abs(row.raw - ref.raw));
    }
    const slope = (x: number[], y: number[]): number => {
      const mx = x.reduce((a, b) => a + b, 0) / x.length, my = y.reduce((a, b) => a + b, 0) / y.length;
      return x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0) / x.reduce((s, v) => s + (v - mx) ** 2, 0);
    };
    expect(plainMeans).toHaveLength(3 * PLANTED.length);
    const rawSlope = slope(plainMeans, rawMeans), corrSlope = slope(plainMeans, corrMeans);
    expect(rawSlope, `raw ${rawMeans.join(' ')} plain ${plainMeans.join(' ')}`).toBeLessThan(0.9);
    expect(Math.abs(corrSlope - 1), `corrected slope ${corrSlope}, raw slope ${rawSlope}`).toBeLessThan(Math.abs(rawSlope - 1));

    // Changing the judge configuration: refused unless allowed.
    writeFileSync(join(dir, 'planted.yaml'), stringify({ ...SYSTEM, dimensions: SYSTEM.dimensions.map((d) => ({ ...d, definition: `${d.definition} Revised.` })) }));
    const again = await runCliAsync(['projective', file], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/judge configuration of ".*" changed since its scores were stored \(rubric_hash/);
    const allowed = study(dir, [judges[0]!], { allow_judge_change: true });
    writeFileSync(join(dir, 'planted.yaml'), stringify({ ...SYSTEM, dimensions: SYSTEM.dimensions.map((d) => ({ ...d, definition: `${d.definition} Revised.` })) }));
    const ok = await runCliAsync(['projective', allowed], { cwd: dir });
    expect(ok.stderr).not.toMatch(/valuelex: /);
    expect(ok.code).toBe(0);
    // The report shows the judge quality section with unstable items marked.
    const rep = await runCliAsync(['report', 'run.db', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(rep.stdout)).toHaveProperty('judge_quality');
  }, 480_000); // about 13,000 requests to the local server: minutes on a loaded 2-core machine
});
