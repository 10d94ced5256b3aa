/**
 * Stage 1 of ValueLex: ask every model to name its values. Each (model, prompt, temperature,
 * sample) is one respondent; its answer is stored verbatim, parsed into descriptors (kept beside
 * the raw item they came from) and normalized; rejects (refusals, junk, non-English) are stored
 * with their reason. The stage ends by building the lexicon (./lexicon.ts).
 *
 * Answers come through the engine, so a re-run answers from the run database's request cache: the
 * stage can clear and rebuild its own tables every time at no model cost, which keeps them exactly
 * in step with the current configuration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelConfig, StudyConfig } from '../../../config/schema.js';
import { sha256Hex } from '../../../core/hash.js';
import type { Embedder } from '../../../embed/types.js';
import type { Engine } from '../../../engine/engine.js';
import type { RunStore } from '../../../store/store.js';
import { DescriptorNormalizer } from '../../../text/normalize.js';
import { parseElicitation, type ParsedResponse } from '../../../text/parse.js';
import { StudyVocabulary } from './prose.js';
import { requirePlanSize, type StageDefinition, type StageSummary } from '../../stage.js';
import { buildLexicon, exportLexicon, listLexicon, mergeSynonyms } from './lexicon.js';
import { loadPromptBank, selectPrompts, type ElicitPrompt, type PromptBank } from './prompts.js';
import { clearElicitation, descriptorCounts, descriptorRewriter, elicitationWriter, ensureElicitSchema, staleProseAnswers, statusCounts, termCountsPerModel } from './tables.js';

export { ensureElicitSchema };

export interface Respondent {
  id: string;
  /** Position in the plan. */
  seq: number;
  model: string;
  prompt: ElicitPrompt;
  sample: number;
  temperature: number;
}

export interface ElicitPlanOptions {
  models: readonly string[];
  prompts: readonly ElicitPrompt[];
  samples: number;
  temperatures: readonly number[];
}

export function respondentId(model: string, promptId: string, temperature: number, sample: number): string {
  return `${model}/${promptId}/t${temperature}/s${sample}`;
}

/** Every respondent of a study: model x prompt x temperature x sample. */
export function planRespondents(opts: ElicitPlanOptions): Respondent[] {
  const out: Respondent[] = [];
  for (const model of opts.models) {
    for (const prompt of opts.prompts) {
      for (const temperature of opts.temperatures) {
        for (let sample = 0; sample < opts.samples; sample++) {
          out.push({ id: respondentId(model, prompt.id, temperature, sample), seq: out.length, model, prompt, sample, temperature });
        }
      }
    }
  }
  return out;
}

export interface DescriptorRow {
  position: number;
  raw: string;
  candidate: string | null;
  descriptor: string | null;
  term_key: string | null;
  reject: string | null;
}

/**
 * Parse and normalize one answer; a term named twice by one respondent is kept once (later ones
 * marked duplicate). When the answer was cut off (`truncated`), its last item may be a fragment
 * ("usefulnes"), so it is marked truncated rather than counted.
 */
export function analyseResponse(
  text: string,
  normalizer: DescriptorNormalizer,
  opts: { truncated?: boolean; vocabulary?: ReadonlySet<string> } = {},
): { parsed: ParsedResponse; rows: DescriptorRow[] } {
  const parsed = parseElicitation(text, opts.vocabulary ? { vocabulary: opts.vocabulary } : {});
  const seen = new Set<string>();
  const last = parsed.items.length - 1;
  const rows = parsed.items.map((item, i): DescriptorRow => {
    if (opts.truncated && i === last && item.descriptor) return { position: item.position, raw: item.raw, candidate: item.descriptor, descriptor: null, term_key: null, reject: 'truncated' };
    if (!item.descriptor) return { position: item.position, raw: item.raw, candidate: null, descriptor: null, term_key: null, reject: item.reject ?? 'junk' };
    const n = normalizer.normalize(item.descriptor);
    const dup = seen.has(n.key);
    seen.add(n.key);
    return { position: item.position, raw: item.raw, candidate: item.descriptor, descriptor: n.descriptor, term_key: n.key, reject: dup ? 'duplicate' : null };
  });
  return { parsed, rows };
}

/** An answer the model stopped at its token limit (OpenAI-style `length`, Anthropic-style `max_tokens`). */
function cutOff(finishReason: string | null | undefined): boolean {
  return finishReason === 'length' || finishReason === 'max_tokens';
}

/** The columns recording how a prose answer was mined, so that the end of the stage re-mines only what changed. */
interface MiningRecord {
  vocab_size: number | null;
  vocab_words: string | null;
}

const NOT_MINED: MiningRecord = { vocab_size: null, vocab_words: null };

/** How an answer was mined with the study vocabulary as it is now (stored; read by `decidingWords`). */
function miningRecord(parsed: ParsedResponse, vocabulary: StudyVocabulary): MiningRecord {
  return parsed.vocabularyWords ? { vocab_size: vocabulary.words().size, vocab_words: parsed.vocabularyWords.join(' ') } : NOT_MINED;
}

/** The words a stored mining record says the vocabulary decided. */
function decidingWords(vocabWords: string): string[] {
  return vocabWords.split(' ').filter(Boolean);
}

/**
 * Mine again, with the final vocabulary, the stored prose answers that a word which came in after
 * them could change (./prose.ts), a page at a time (memory stays flat in the number of answers);
 * returns how many were mined again.
 */
function remineStaleProse(store: RunStore, normalizer: DescriptorNormalizer, vocabulary: StudyVocabulary): number {
  const rewrite = descriptorRewriter(store);
  const size = vocabulary.words().size;
  let mined = 0;
  for (let after = -1; ; ) {
    const page = staleProseAnswers(store, size, after, 500);
    if (page.length === 0) break;
    const changed = page.filter((a) => vocabulary.enteredSince(decidingWords(a.vocab_words), a.vocab_size));
    rewrite(
      changed.map((a) => {
        const { parsed, rows } = analyseResponse(a.response_text, normalizer, { truncated: cutOff(a.finish_reason), vocabulary: vocabulary.words() });
        return { id: a.id, status: parsed.reject ?? 'ok', ...miningRecord(parsed, vocabulary), descriptors: rows.map((d) => ({ respondent_id: a.id, ...d })) };
      }),
    );
    mined += changed.length;
    after = page[page.length - 1]!.seq;
  }
  return mined;
}

interface RespondentRecord {
  r: Respondent;
  bank: string;
  key: string | null;
  text: string | null;
  status: string;
  format: string | null;
  finish: string | null;
  error: string | null;
  rows: DescriptorRow[];
  mining: MiningRecord;
}

/**
 * Buffers stage rows and writes them in one transaction per batch: `batchSize` records, or what
 * came in within `maxAgeMs` (records held for seconds outlive the garbage collector's young
 * generation, and a long run's memory then grows with its length).
 */
class ElicitWriter {
  private buffer: RespondentRecord[] = [];
  private oldest = 0;
  private readonly write: ReturnType<typeof elicitationWriter>;

  constructor(
    store: RunStore,
    private readonly batchSize = 500,
    private readonly maxAgeMs = 200,
  ) {
    this.write = elicitationWriter(store);
  }

  add(record: RespondentRecord): void {
    if (this.buffer.length === 0) this.oldest = performance.now();
    this.buffer.push(record);
    if (this.buffer.length >= this.batchSize || performance.now() - this.oldest >= this.maxAgeMs) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    const records = this.buffer;
    this.buffer = [];
    this.write(
      records.map((x) => ({
        respondent: { id: x.r.id, seq: x.r.seq, model: x.r.model, prompt_id: x.r.prompt.id, bank: x.bank, sample: x.r.sample, temperature: x.r.temperature, request_key: x.key, response_text: x.text, status: x.status, format: x.format, finish_reason: x.finish, error: x.error, ...x.mining },
        descriptors: x.rows.map((d) => ({ respondent_id: x.r.id, ...d })),
      })),
    );
  }
}

export interface ElicitOptions {
  /** A prompt bank to use instead of the config's (`elicit.bank`) or the shipped one. */
  bank?: PromptBank;
  /** For `elicit.merge_synonyms`: merges near-synonyms by embedding similarity after the lexicon is built. */
  embedder?: Embedder;
  log?: (message: string) => void;
}

export interface ElicitSummary extends StageSummary {
  models: number;
  prompts: number;
  bank: string;
  respondents: number;
  responses: number;
  statuses: Record<string, number>;
  descriptors: number;
  rejected_items: number;
  terms: number;
  lexicon_terms: number;
  top_per_model: Record<string, string[]>;
  /** The filtered lexicon as CSV next to the run database (file-backed runs). */
  lexicon_file?: string;
}

function temperaturesOf(cfg: StudyConfig['elicit']): number[] {
  return Array.isArray(cfg.temperature) ? [...cfg.temperature] : [cfg.temperature];
}

/** Run the elicitation stage with an engine (library entry point; the stage runs this too). */
export async function runElicitation(engine: Engine, config: StudyConfig, opts: ElicitOptions = {}): Promise<ElicitSummary> {
  const cfg = config.elicit;
  const bank = opts.bank ?? loadPromptBank(cfg.bank ? resolve(cfg.bank) : undefined);
  const prompts = selectPrompts(bank, cfg.prompts);
  const models: ModelConfig[] = config.models;
  requirePlanSize('elicit', [['models', models.length], ['prompts', prompts.length], ['temperatures', temperaturesOf(cfg).length], ['samples', cfg.samples]]);
  const respondents = planRespondents({ models: models.map((m) => m.name), prompts, samples: cfg.samples, temperatures: temperaturesOf(cfg) });
  const bankId = `${bank.name}@${bank.version}`;
  const store = engine.store;
  ensureElicitSchema(store);
  clearElicitation(store);
  store.setMetaJson('elicit_bank', { name: bank.name, version: bank.version, prompts: prompts.map((p) => p.id) });

  const normalizer = new DescriptorNormalizer();
  const writer = new ElicitWriter(store);
  // Prose answers are mined with the words the study's list answers named so far, and again at the
  // end if a word named later could change them (./prose.ts). Refusals are judged without them.
  const vocabulary = new StudyVocabulary();
  let proseCount = 0;
  try {
    await engine.map(
      respondents,
      async (r) => {
        try {
          const result = await engine.generate({
            model: r.model,
            stage: 'elicit',
            messages: cfg.system ? [{ role: 'system', content: cfg.system }, { role: 'user', content: r.prompt.text }] : [{ role: 'user', content: r.prompt.text }],
            params: { temperature: r.temperature, max_tokens: cfg.max_tokens },
            sample: r.sample,
          });
          const truncated = cutOff(result.finish_reason);
          let { parsed, rows } = analyseResponse(result.text, normalizer, { truncated });
          let mining = NOT_MINED;
          if (parsed.format !== 'prose') vocabulary.add(rows);
          else if (parsed.reject === undefined || parsed.reject === 'no-values') {
            // A prose answer that is no refusal (judged by the built-in words) is mined with the
            // words the list answers named so far.
            ({ parsed, rows } = analyseResponse(result.text, normalizer, { truncated, vocabulary: vocabulary.words() }));
            mining = miningRecord(parsed, vocabulary);
            proseCount++;
          }
          writer.add({ r, bank: bankId, key: result.key, text: result.text, status: parsed.reject ?? 'ok', format: parsed.format ?? null, finish: result.finish_reason ?? null, error: null, rows, mining });
        } catch (e) {
          const err = e as Error & { key?: string };
          writer.add({ r, bank: bankId, key: err.key ?? null, text: null, status: 'error', format: null, finish: null, error: err.message, rows: [], mining: NOT_MINED });
          throw e;
        }
      },
      { label: 'elicit' },
    );
  } finally {
    writer.flush();
  }
  if (proseCount > 0) {
    const again = remineStaleProse(store, normalizer, vocabulary);
    opts.log?.(`elicit: ${proseCount} prose answers mined with the ${vocabulary.words().size} words the list answers named (${again} again, for words named after them)`);
  }

  let terms = buildLexicon(store);
  if (cfg.merge_synonyms !== undefined) {
    if (opts.embedder) {
      const merges = await mergeSynonyms(store, opts.embedder, { threshold: cfg.merge_synonyms });
      opts.log?.(`elicit: merged ${merges.length} near-synonyms (similarity >= ${cfg.merge_synonyms}); see lexicon_merges`);
      terms -= merges.length;
    } else {
      opts.log?.('elicit: merge_synonyms is set but no embedder is available; lexicon left unmerged');
    }
  }
  const summary = summarize(store, { models: models.length, prompts: prompts.length, bank: bankId, minCount: cfg.min_count, minModels: cfg.min_models, termsTotal: terms });
  if (store.path !== ':memory:') {
    // The filtered lexicon beside the run database, for people who want a spreadsheet, not SQL.
    const file = join(store.dir, 'lexicon.csv');
    mkdirSync(store.dir, { recursive: true });
    writeFileSync(file, exportLexicon(listLexicon(store, { minCount: cfg.min_count, minModels: cfg.min_models }), 'csv'));
    summary.lexicon_file = file;
  }
  return summary;
}

function summarize(
  store: RunStore,
  o: { models: number; prompts: number; bank: string; minCount: number; minModels: number; termsTotal: number },
): ElicitSummary {
  const statuses = Object.fromEntries(statusCounts(store).map((r) => [r.status, r.n]));
  const respondents = Object.values(statuses).reduce((s, n) => s + n, 0);
  const items = descriptorCounts(store);
  const lexicon = listLexicon(store, { minCount: o.minCount, minModels: o.minModels });
  const top: Record<string, string[]> = {};
  const perModel = termCountsPerModel(store);
  for (const row of perModel) {
    const list = (top[row.model] ??= []);
    if (list.length < 5) list.push(row.descriptor);
  }
  return {
    models: o.models,
    prompts: o.prompts,
    bank: o.bank,
    respondents,
    responses: respondents - (statuses.error ?? 0),
    statuses,
    descriptors: items.ok ?? 0,
    rejected_items: items.bad ?? 0,
    terms: o.termsTotal,
    lexicon_terms: lexicon.length,
    top_per_model: top,
  };
}

export function describeElicitation(s: StageSummary): string {
  const x = s as ElicitSummary;
  const lines = [
    `elicit: ${x.models} models x ${x.prompts} prompts (${x.bank}): ${x.respondents} respondents, ${x.responses} responses ` +
      `(${Object.entries(x.statuses ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')})`,
    `  ${x.descriptors} descriptors (${x.rejected_items} items rejected) -> ${x.terms} unique terms, ${x.lexicon_terms} in the lexicon after filters`,
  ];
  for (const [model, words] of Object.entries(x.top_per_model ?? {})) lines.push(`  ${model}: ${words.join(', ')}`);
  return lines.join('\n');
}

/** The chosen prompts' content, so `--resume` reruns the stage when a bank file's wording changes. */
function bankFingerprint(config: StudyConfig): string {
  try {
    const bank = loadPromptBank(config.elicit.bank ? resolve(config.elicit.bank) : undefined);
    const prompts = selectPrompts(bank, config.elicit.prompts);
    return sha256Hex(JSON.stringify([bank.name, bank.version, prompts])).slice(0, 16);
  } catch (e) {
    // The stage itself reports a bad bank with file and line; here it only must not match a good one.
    return `unreadable: ${(e as Error).message}`;
  }
}

/**
 * The study's embedder for synonym merging; a backend that cannot be opened is reported, not fatal.
 * Loaded only when `merge_synonyms` asks for it: a plain elicitation needs no embeddings.
 */
async function studyEmbedder(config: StudyConfig, log: (m: string) => void): Promise<Embedder | undefined> {
  const { createEmbedder } = await import('../../../embed/create.js');
  try {
    return createEmbedder(config.embedding);
  } catch (e) {
    log(`elicit: cannot open the ${config.embedding.backend} embedder (${(e as Error).message})`);
    return undefined;
  }
}

export const elicitStage: StageDefinition = {
  name: 'elicit',
  description: 'ask every model to name its values and build the value lexicon',
  configOf: (config) => ({
    elicit: config.elicit,
    bank: bankFingerprint(config),
    ...(config.elicit.merge_synonyms !== undefined ? { embedding: config.embedding } : {}),
  }),
  run: async ({ engine, config, log }) => {
    const embedder = config.elicit.merge_synonyms !== undefined ? await studyEmbedder(config, log) : undefined;
    let summary: ElicitSummary;
    try {
      summary = await runElicitation(engine, config, { log, ...(embedder ? { embedder } : {}) });
    } finally {
      await embedder?.close?.();
    }
    log(describeElicitation(summary));
    return summary;
  },
  describe: describeElicitation,
};
