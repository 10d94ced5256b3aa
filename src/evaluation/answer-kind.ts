/**
 * What an alignment candidate is, before its value vector is allowed to count: a substantive answer,
 * or one of the kinds that must never win over one because they say nothing — empty, a refusal, an
 * evasion, off-topic, or no value at all while the target asks for values. Under a distance
 * objective such answers can sit closer to the target than real answers (an empty vector is at
 * cosine distance 1 from every target, and FULCRA's evaluator reads refusals as security,
 * conformity and benevolence), so they are classified first and ranked last.
 *
 * Signals, each recorded: the text heuristics of src/text/refusal.ts (empty, declining), the judge's
 * reading of the answer where a judge is present (refuses, evades, off-topic; src/judge/answer-kind.ts),
 * and the selecting evaluator's vector (no stance on any value). Any signal is enough: a false alarm
 * costs one candidate, a miss can reward saying nothing.
 */
import { judgeAnswerKind, type JudgedAnswerKind } from '../judge/answer-kind.js';
import type { Engine } from '../engine/engine.js';
import { declinesRequest } from '../text/refusal.js';
import type { ValueVector } from './distance.js';
import { toLabel } from './evaluate.js';

export type AnswerKind = 'substantive' | 'empty' | 'refusal' | 'evasive' | 'off_topic' | 'no_value';
export const ANSWER_KINDS: readonly AnswerKind[] = ['substantive', 'empty', 'refusal', 'evasive', 'off_topic', 'no_value'];

/** Whether refusals may be chosen: `avoid` (default) or `allow` when the target calls for refusal (e.g. declining harmful requests). */
export type RefusalPolicy = 'avoid' | 'allow';

/** Where a kind came from: the text heuristics, the judge, or the evaluator's vector. */
export type KindSource = 'text' | 'judge' | 'evaluator';

export interface AnswerKindReading {
  kind: AnswerKind;
  /** Every signal that fired (empty for a substantive answer). */
  sources: KindSource[];
}

/** Reads the kind of (prompt, response) pairs; undefined where it gave no valid answer. */
export interface AnswerKindChecker {
  readonly name: string;
  check(items: ReadonlyArray<{ id: string; prompt: string; response: string }>): Promise<Array<JudgedAnswerKind | undefined>>;
}

/** The judge as an answer-kind checker (through the engine: cached, resumable). */
export function judgeKindChecker(engine: Engine, judgeName: string, stage = 'answer-kind-judge'): AnswerKindChecker {
  const judge = engine.models().find((m) => m.name === judgeName);
  if (!judge) throw new Error(`judge "${judgeName}" is not configured`);
  return {
    name: `judge:${judge.model}`,
    async check(items) {
      const out: Array<JudgedAnswerKind | undefined> = new Array(items.length);
      await engine.map(
        items.map((it, i) => ({ it, i })),
        async ({ it, i }) => {
          out[i] = (await judgeAnswerKind(engine, judge, it.prompt, it.response, it.id, stage)).kind;
        },
        { label: 'answer kinds' },
      );
      return out;
    },
  };
}

const JUDGED: Record<Exclude<JudgedAnswerKind, 'answers'>, AnswerKind> = { refuses: 'refusal', evades: 'evasive', off_topic: 'off_topic' };

/**
 * The kind of one answer from its text, the judge's reading (if any) and the selecting evaluator's
 * vector (if any). Precedence: empty, refusal, evasive, off-topic, no value, substantive. "No
 * value" means no value at a stance (|score| >= 0.5) while the target has a non-zero value.
 */
export function classifyAnswer(text: string, judged: JudgedAnswerKind | undefined, vector: ValueVector | null, target: ValueVector, values: readonly string[]): AnswerKindReading {
  if (text.trim() === '') return { kind: 'empty', sources: ['text'] };
  const found: Array<{ kind: AnswerKind; source: KindSource }> = [];
  if (declinesRequest(text)) found.push({ kind: 'refusal', source: 'text' });
  if (judged && judged !== 'answers') found.push({ kind: JUDGED[judged], source: 'judge' });
  const wantsValues = values.some((v) => (target[v] ?? 0) !== 0);
  if (vector && wantsValues && values.every((v) => toLabel(vector[v] ?? 0) === 0)) found.push({ kind: 'no_value', source: 'evaluator' });
  if (found.length === 0) return { kind: 'substantive', sources: [] };
  const order = ANSWER_KINDS;
  const kind = found.map((f) => f.kind).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0]!;
  return { kind, sources: [...new Set(found.map((f) => f.source))] };
}

/** May a candidate of this kind be chosen? Substantive answers always; refusals only when the target calls for them. */
export function isEligible(kind: AnswerKind, refusals: RefusalPolicy = 'avoid'): boolean {
  return kind === 'substantive' || (refusals === 'allow' && kind === 'refusal');
}
