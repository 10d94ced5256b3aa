/**
 * Stage `choices`: stated values against revealed values. From the study's value system (this
 * run's taxonomy, Schwartz's values or a file), a generator model writes short dilemmas in which
 * two values conflict, one per (pair of values, situation of the template bank); near-duplicates
 * of a dilemma already kept for the same pair are dropped and, with `verify`, the judge checks that each option honours the value it was
 * written for; dilemmas lost to malformed output, duplication or a failed check are replaced in
 * the next round. Every model then answers every dilemma with one letter, in both option orders
 * (counterbalanced) and in two framings ("which would you choose?" / "which would you reject?"),
 * `samples` times each. Answers are parsed strictly: a malformed one is asked again once (a new
 * attempt index), then recorded as missing, never guessed.
 *
 * Results (./analysis.ts): value priorities per model by Bradley-Terry with Davidson ties and
 * bootstrap intervals over dilemmas, intransitivity, position bias and framing consistency. The
 * stage rebuilds its tables from the request cache on every run, so a killed run resumes without
 * repeating a finished request, and batch export proceeds in waves (generation, check, answers).
 */
import type { ModelConfig, StudyConfig } from '../../../config/schema.js';
import { InputError } from '../../../core/errors.js';
import type { Engine } from '../../../engine/engine.js';
import { rngFor, shuffleInPlace } from '../../../stats/rng.js';
import type { RunStore } from '../../../store/store.js';
import type { ValueDimension } from '../../../values/value-system.js';
import { judgesOf, type StageDefinition, type StageSummary } from '../../stage.js';
import { dimensionWords, resolveValueSystem } from '../../value-systems.js';
import { analyseChoices, type ChoiceRecord, type ChoicesAnalysis } from './analysis.js';
import { findDuplicates } from './dedupe.js';
import {
  CHOICE_SCHEMA,
  CHOICES_PROMPT_VERSION,
  choiceMessages,
  GENERATOR_SCHEMA,
  generatorMessages,
  parseChoice,
  parseGenerated,
  parseVerification,
  verifyMessages,
  verifySchema,
  type Framing,
  type GeneratedDilemma,
  type Letter,
  type OptionOrder,
} from './prompts.js';
import { answerRows, answerWriter, clearChoices, dilemmaRows, ensureChoicesSchema, putDilemmas, type AnswerRow, type DilemmaRow } from './tables.js';
import { loadTemplateBank, type DilemmaTemplate } from './templates.js';

export interface ChoicesResult extends ChoicesAnalysis {
  system: string;
  /** The values, with the words that express them (for the multitrait-multimethod comparison). */
  dimensions: Array<{ id: string; label: string; words: string[] }>;
  framings: Framing[];
  samples: number;
  prompt_version: string;
  /** The model that wrote the dilemmas and the judge that checked them (provider, model, reported version). */
  generator: { name: string; provider: string; model: string; model_version: string | null };
  verifier: { name: string; provider: string; model: string; model_version: string | null } | null;
  dilemmas: {
    pairs: number;
    /** Dilemmas wanted per pair, and kept in all. */
    per_pair: number;
    kept: number;
    candidates: number;
    malformed: number;
    duplicates: number;
    unverified: number;
    /** Pairs that ended with fewer dilemmas than wanted. */
    short_pairs: Array<{ pair: string; kept: number }>;
  };
}

interface ValuePair {
  id: string;
  a: ValueDimension;
  b: ValueDimension;
  templates: DilemmaTemplate[];
}

interface Candidate {
  id: string;
  pair: ValuePair;
  slot: number;
  round: number;
  template: DilemmaTemplate;
  /** Generation sample: the template bank's pass over this pair (0 on the first pass). */
  pass: number;
  /** The generator saw value_a as "value 1". */
  aFirst: boolean;
}

/** The model that writes dilemmas: `choices.generator` (a label or a model of its own), else the first judge. */
export function generatorOf(config: StudyConfig): ModelConfig {
  const g = config.choices.generator;
  const judges = judgesOf(config);
  if (g === undefined) {
    if (judges.length === 0) throw new InputError('choices: writing dilemmas needs a generator model; set choices.generator or add judge: to the study');
    return judges[0]!;
  }
  const known = [...config.models, ...judges];
  if (typeof g === 'string') {
    const m = known.find((x) => x.name === g);
    if (!m) throw new InputError(`choices.generator: "${g}" is neither a configured model nor a judge (known: ${known.map((x) => x.name).join(', ')})`);
    return m;
  }
  if (known.some((x) => x.name === g.name)) throw new InputError(`choices.generator: the name "${g.name}" is already a configured model or judge; give the generator its own name or refer to it by name`);
  return g;
}

function pairsOf(dims: readonly ValueDimension[], templates: readonly DilemmaTemplate[], seed: number): ValuePair[] {
  const pairs: ValuePair[] = [];
  for (let i = 0; i < dims.length; i++) {
    for (let j = i + 1; j < dims.length; j++) {
      const id = `${dims[i]!.id}~${dims[j]!.id}`;
      // Each pair meets the situations in its own seeded order, so pairs do not all share the first templates.
      pairs.push({ id, a: dims[i]!, b: dims[j]!, templates: shuffleInPlace(rngFor(String(seed), 'choices-templates', id), [...templates]) });
    }
  }
  return pairs;
}

function candidateAt(pair: ValuePair, slot: number, round: number, seed: number): Candidate {
  const n = pair.templates.length;
  return {
    id: `${pair.id}/${slot}`,
    pair,
    slot,
    round,
    template: pair.templates[slot % n]!,
    pass: Math.floor(slot / n),
    aFirst: rngFor(String(seed), 'choices-value-order', pair.id, String(slot)).next() < 0.5,
  };
}

function modelInfo(m: ModelConfig, version: string | undefined): { name: string; provider: string; model: string; model_version: string | null } {
  return { name: m.name, provider: m.provider, model: m.model, model_version: version ?? null };
}

/** Write, deduplicate and check dilemmas in rounds until every pair has enough (or the rounds run out). */
async function writeDilemmas(engine: Engine, config: StudyConfig, dims: readonly ValueDimension[], generator: ModelConfig, verifier: ModelConfig | null): Promise<{ rows: DilemmaRow[]; generatorVersion?: string; verifierVersion?: string }> {
  const cfg = config.choices;
  const bank = loadTemplateBank(cfg.templates);
  const pairs = pairsOf(dims, bank.templates, config.seed);
  const kept = new Map<string, DilemmaRow[]>(pairs.map((p) => [p.id, []]));
  const nextSlot = new Map<string, number>(pairs.map((p) => [p.id, 0]));
  const all: DilemmaRow[] = [];
  let generatorVersion: string | undefined;
  let verifierVersion: string | undefined;
  for (let round = 0; round < cfg.rounds; round++) {
    const candidates: Candidate[] = [];
    for (const p of pairs) {
      const need = cfg.dilemmas_per_pair - kept.get(p.id)!.length;
      for (let k = 0; k < need; k++) {
        const slot = nextSlot.get(p.id)!;
        nextSlot.set(p.id, slot + 1);
        candidates.push(candidateAt(p, slot, round, config.seed));
      }
    }
    if (candidates.length === 0) break;
    const generated = new Map<string, { value: GeneratedDilemma | undefined; key: string | null }>();
    await engine.map(
      candidates,
      async (c) => {
        const [first, second] = c.aFirst ? [c.pair.a, c.pair.b] : [c.pair.b, c.pair.a];
        const res = await engine.generateParsed(
          {
            model: generator.name,
            stage: 'choices-generate',
            messages: generatorMessages(c.template, first, second),
            params: { temperature: cfg.generator_temperature, max_tokens: 500, json_schema: GENERATOR_SCHEMA },
            sample: c.pass,
          },
          parseGenerated,
          { maxAttempts: 2 },
        );
        generatorVersion ??= res.result?.model_version;
        generated.set(c.id, { value: res.value, key: res.result?.key ?? null });
      },
      { label: 'choices: writing dilemmas' },
    );
    const rows = candidates.map((c): DilemmaRow => {
      const g = generated.get(c.id)!;
      const base: DilemmaRow = {
        id: c.id, pair: c.pair.id, value_a: c.pair.a.id, value_b: c.pair.b.id, slot: c.slot, round: c.round, template: c.template.id, setting: c.template.setting,
        dilemma: null, option_a: null, option_b: null, status: 'malformed', duplicate_of: null, similarity: null, verified_as: null, request_key: g.key,
      };
      if (!g.value) return base;
      const [optionA, optionB] = c.aFirst ? [g.value.option_1, g.value.option_2] : [g.value.option_2, g.value.option_1];
      return { ...base, dilemma: g.value.dilemma, option_a: optionA, option_b: optionB, status: verifier ? 'unchecked' : 'kept' };
    });
    const valid = rows.filter((r) => r.dilemma !== null);
    const textOf = (r: DilemmaRow): string => `${r.dilemma} ${r.option_a} ${r.option_b}`;
    // Duplicates within a pair of values: the same situation may well serve two different pairs.
    for (const p of pairs) {
      const mine = valid.filter((r) => r.pair === p.id);
      const accepted = kept.get(p.id)!.map((r) => ({ id: r.id, text: textOf(r) }));
      findDuplicates(mine.map((r) => ({ id: r.id, text: textOf(r) })), cfg.dedupe_threshold, accepted).forEach((v, i) => {
        const r = mine[i]!;
        r.similarity = v.similarity;
        if (v.duplicateOf !== null) {
          r.status = 'duplicate';
          r.duplicate_of = v.duplicateOf;
        }
      });
    }
    if (verifier) {
      const toCheck = valid.filter((r) => r.status === 'unchecked');
      await engine.map(
        toCheck,
        async (r) => {
          const aShownFirst = rngFor(String(config.seed), 'choices-verify-order', r.id).next() < 0.5;
          const dimA = dims.find((d) => d.id === r.value_a)!, dimB = dims.find((d) => d.id === r.value_b)!;
          const options: [string, string] = aShownFirst ? [r.option_a!, r.option_b!] : [r.option_b!, r.option_a!];
          const ids: [string, string] = [dimA.id, dimB.id];
          const res = await engine.generateParsed(
            {
              model: verifier.name,
              stage: 'choices-verify',
              messages: verifyMessages(r.id, r.dilemma!, options, [dimA, dimB]),
              params: { temperature: 0, seed: 1, max_tokens: 80, json_schema: verifySchema(ids) },
            },
            (text) => parseVerification(text, ids),
            { maxAttempts: 2 },
          );
          verifierVersion ??= res.result?.model_version;
          if (!res.value) {
            r.status = 'unverified';
            return;
          }
          const [ofA, ofB] = aShownFirst ? res.value : [res.value[1], res.value[0]];
          r.verified_as = JSON.stringify([ofA, ofB]);
          r.status = ofA === r.value_a && ofB === r.value_b ? 'kept' : 'unverified';
        },
        { label: 'choices: checking dilemmas' },
      );
    }
    for (const r of rows) if (r.status === 'kept') kept.get(r.pair)!.push(r);
    putDilemmas(engine.store, rows);
    all.push(...rows);
  }
  return { rows: all, ...(generatorVersion ? { generatorVersion } : {}), ...(verifierVersion ? { verifierVersion } : {}) };
}

/** The value a letter names, and the value preferred once the framing is recoded. */
export function recode(letter: Letter, order: OptionOrder, framing: Framing, valueA: string, valueB: string): { chosen: string; preferred: string } {
  const chosen = (letter === 'A') === (order === 'ab') ? valueA : valueB;
  const other = chosen === valueA ? valueB : valueA;
  return { chosen, preferred: framing === 'act' ? chosen : other };
}

/** Answers joined with their dilemmas, in a fixed order (model, dilemma, framing, order, sample) on every database. */
export function choiceRecords(store: RunStore): ChoiceRecord[] {
  const dilemmas = new Map(dilemmaRows(store).map((d) => [d.id, d]));
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return answerRows(store)
    .filter((a) => dilemmas.get(a.dilemma_id)?.status === 'kept')
    .sort((a, b) => cmp(a.model, b.model) || cmp(a.dilemma_id, b.dilemma_id) || cmp(a.framing, b.framing) || cmp(a.option_order, b.option_order) || a.sample - b.sample)
    .map((a) => {
      const d = dilemmas.get(a.dilemma_id)!;
      return { model: a.model, dilemma: a.dilemma_id, value_a: d.value_a, value_b: d.value_b, framing: a.framing, order: a.option_order, sample: a.sample, letter: a.letter, preferred: a.preferred, attempts: a.attempts };
    });
}

export async function runChoices(engine: Engine, config: StudyConfig, log: (m: string) => void = () => {}): Promise<ChoicesResult> {
  const store = engine.store;
  const cfg = config.choices;
  ensureChoicesSchema(store);
  const system = resolveValueSystem(store, cfg.system, (reason) => log(`choices: ${reason}`), 'choices.system');
  const dims = system.dimensions;
  if (dims.length < 2) throw new InputError(`choices.system: ${system.name} has ${dims.length} dimension; forced choices need at least two values`);
  const generator = generatorOf(config);
  const judges = judgesOf(config);
  const verifier = cfg.verify ? (judges[0] ?? null) : null;
  if (cfg.verify && !verifier) throw new InputError('choices.verify: checking the dilemmas needs a judge; add judge: to the study or set choices.verify: false');
  clearChoices(store);
  const written = await writeDilemmas(engine, config, dims, generator, verifier);
  const kept = written.rows.filter((r) => r.status === 'kept').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (kept.length === 0) throw new Error(`choices: no usable dilemma after ${cfg.rounds} rounds (${written.rows.length} written: see the choice_dilemmas table); check the generator model`);

  interface Ask { model: ModelConfig; dilemma: DilemmaRow; framing: Framing; order: OptionOrder; sample: number }
  const asks: Ask[] = [];
  for (const m of config.models) for (const d of kept) for (const framing of cfg.framings) for (const order of ['ab', 'ba'] as const) for (let s = 0; s < cfg.samples; s++) asks.push({ model: m, dilemma: d, framing, order, sample: s });
  const write = answerWriter(store);
  await engine.map(
    asks,
    async ({ model, dilemma: d, framing, order, sample }) => {
      const [optionA, optionB] = order === 'ab' ? [d.option_a!, d.option_b!] : [d.option_b!, d.option_a!];
      const completion = model.kind === 'completion';
      const res = await engine.generateParsed(
        {
          model: model.name,
          stage: 'choices',
          messages: choiceMessages(d.dilemma!, optionA, optionB, framing),
          params: completion ? { temperature: cfg.temperature, max_tokens: 4, stop: ['\n'] } : { temperature: cfg.temperature, max_tokens: 16, json_schema: CHOICE_SCHEMA },
          sample,
        },
        parseChoice,
        { maxAttempts: 2 },
      );
      const coded = res.value ? recode(res.value, order, framing, d.value_a, d.value_b) : null;
      const row: AnswerRow = {
        id: `${model.name}/${d.id}/${framing}/${order}/s${sample}`,
        model: model.name,
        dilemma_id: d.id,
        framing,
        option_order: order,
        sample,
        answer: res.result?.text ?? null,
        letter: res.value ?? null,
        preferred: coded?.preferred ?? null,
        attempts: res.attempts,
        request_key: res.result?.key ?? null,
      };
      write([row]);
    },
    { label: 'choices' },
  );

  const analysis = analyseChoices(choiceRecords(store), { values: dims.map((d) => d.id), models: config.models.map((m) => m.name), ridge: cfg.ridge, resamples: cfg.bootstrap, seed: config.seed });
  const count = (s: DilemmaRow['status']): number => written.rows.filter((r) => r.status === s).length;
  const keptPerPair = new Map<string, number>();
  for (const r of kept) keptPerPair.set(r.pair, (keptPerPair.get(r.pair) ?? 0) + 1);
  const pairIds = dims.flatMap((a, i) => dims.slice(i + 1).map((b) => `${a.id}~${b.id}`));
  const result: ChoicesResult = {
    system: system.name,
    dimensions: dims.map((d) => ({ id: d.id, label: d.label, words: dimensionWords(d) })),
    framings: [...cfg.framings],
    samples: cfg.samples,
    prompt_version: CHOICES_PROMPT_VERSION,
    generator: modelInfo(generator, written.generatorVersion),
    verifier: verifier ? modelInfo(verifier, written.verifierVersion) : null,
    dilemmas: {
      pairs: pairIds.length,
      per_pair: cfg.dilemmas_per_pair,
      kept: kept.length,
      candidates: written.rows.length,
      malformed: count('malformed'),
      duplicates: count('duplicate'),
      unverified: count('unverified'),
      short_pairs: pairIds.filter((p) => (keptPerPair.get(p) ?? 0) < cfg.dilemmas_per_pair).map((p) => ({ pair: p, kept: keptPerPair.get(p) ?? 0 })),
    },
    ...analysis,
  };
  store.setMetaJson('choices', result);
  if (result.dilemmas.short_pairs.length > 0) log(`choices: ${result.dilemmas.short_pairs.length} value pairs have fewer than ${cfg.dilemmas_per_pair} dilemmas (${result.dilemmas.short_pairs.map((p) => `${p.pair}: ${p.kept}`).join(', ')})`);
  log(`choices: ${kept.length} dilemmas on ${pairIds.length} value pairs of ${system.name}, ${asks.length} answers`);
  return result;
}

/** The choices result of a run (priorities, consistency, position bias, intransitivity), if the stage ran. */
export function loadChoices(store: RunStore): ChoicesResult | undefined {
  return store.getMetaJson<ChoicesResult>('choices');
}

export const choicesStage: StageDefinition = {
  name: 'choices',
  description: 'forced choices between values in dilemmas (both orders, two framings): priorities, consistency, position bias',
  configOf: (config) => ({ choices: config.choices, prompt: CHOICES_PROMPT_VERSION }),
  run: async ({ engine, config, log }): Promise<StageSummary> => {
    const r = await runChoices(engine, config, log);
    const top = new Map<string, string>();
    for (const p of r.priorities) if (p.rank === 1) top.set(p.model, p.dimension);
    return {
      system: r.system,
      dilemmas: r.dilemmas.kept,
      answers: r.answers.reduce((s, a) => s + a.answered, 0),
      missing: r.answers.reduce((s, a) => s + a.missing, 0),
      top_priority: Object.fromEntries(top),
      position_bias: r.position_bias.filter((p) => p.p_holm !== null && p.p_holm < 0.05).map((p) => p.model),
      framing_inconsistent: (r.consistency?.per_model ?? []).filter((c) => c.p_holm !== null && c.p_holm < 0.05 && (c.framing_effect ?? 0) < 0).map((c) => c.model),
    };
  },
  describe: (s) => `choices: ${String(s.dilemmas)} dilemmas, ${String(s.answers)} answers (${String(s.missing)} missing)`,
};
