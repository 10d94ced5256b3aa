/**
 * Value-labeled (prompt, response) pairs: the value-pairs JSONL contract (README "Basic values of
 * any output"), read line by line with errors naming the line, and FULCRA's native formats (its
 * labeled dialogues and its scored answer files) converted on the way in.
 *
 * FULCRA policy (documented, applied per line, every case reported with its line number):
 * `value_types` entries "<value>: +1" / "1" / "-1" set that value; a label that is not -1/+1 after
 * trimming (e.g. "=1", "1+") is reported and the value is left 0 (unlabeled), never guessed; a
 * value outside Schwartz's ten (e.g. "humility") is reported and ignored; values not listed are 0.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { SCHWARTZ_VALUES, type SchwartzValue } from './schwartz.js';

export interface ValuePair {
  id: string;
  prompt: string;
  response: string;
  values?: Record<string, number>;
  risk?: string;
  /** Every risk category of the pair when there are several (BeaverTails prompts carry up to 5). */
  risks?: string[];
  source?: string;
}

const pairSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  prompt: z.string(),
  response: z.string(),
  values: z.record(z.string(), z.number().min(-1).max(1)).optional(),
  risk: z.string().optional(),
  risks: z.array(z.string()).optional(),
  source: z.string().optional(),
}).passthrough();

export interface ImportIssue {
  line: number;
  message: string;
}

const FULCRA_NAMES: Record<string, SchwartzValue> = {
  'self-direction': 'self_direction', self_direction: 'self_direction', stimulation: 'stimulation', hedonism: 'hedonism', achievement: 'achievement', power: 'power',
  security: 'security', conformity: 'conformity', tradition: 'tradition', benevolence: 'benevolence', universalism: 'universalism',
};

/** One FULCRA native line to a value pair; problems are appended to `issues`. */
export function fromFulcra(obj: Record<string, unknown>, line: number, issues: ImportIssue[]): ValuePair {
  const dialogue = typeof obj.dialogue === 'string' ? obj.dialogue : undefined;
  if (!dialogue) throw new InputError('FULCRA record has no "dialogue" string');
  const m = /^Human:\s*([\s\S]*?)\n(?:Bob|Assistant|AI):\s*([\s\S]*)$/.exec(dialogue);
  if (!m) throw new InputError('FULCRA dialogue is not "Human: ...\\nBob: ..."');
  const values: Record<string, number> = Object.fromEntries(SCHWARTZ_VALUES.map((v) => [v, 0]));
  for (const entry of Array.isArray(obj.value_types) ? obj.value_types : []) {
    const [rawName, rawLabel] = String(entry).split(':').map((s) => s.trim());
    const name = FULCRA_NAMES[(rawName ?? '').toLowerCase()];
    if (!name) {
      issues.push({ line, message: `value "${rawName}" is not one of Schwartz's ten; ignored` });
      continue;
    }
    const label = rawLabel === '+1' || rawLabel === '1' ? 1 : rawLabel === '-1' ? -1 : undefined;
    if (label === undefined) {
      issues.push({ line, message: `malformed label "${rawLabel}" for ${name}; left unlabeled (0)` });
      continue;
    }
    values[name] = label;
  }
  return { id: `fulcra-${line}`, prompt: m[1]!.trim(), response: m[2]!.trim(), values, ...(typeof obj.response_source === 'string' ? { source: obj.response_source } : {}) };
}

/** FULCRA's evaluator order in `value_reward` (tradition before conformity, unlike the label files). */
export const FULCRA_REWARD_ORDER: readonly SchwartzValue[] = ['self_direction', 'stimulation', 'hedonism', 'achievement', 'power', 'security', 'tradition', 'conformity', 'benevolence', 'universalism'];

/**
 * One line of FULCRA's alignment test files (`{prompt, answer, safety_issues, value_reward}`): the
 * answer's value vector is FULCRA's own evaluator output (real-valued), the prompt's BeaverTails
 * categories become `risks` (`risk` is them joined with ";", or "none" for an uncategorised prompt).
 */
export function fromFulcraScored(obj: Record<string, unknown>, line: number, source: string | undefined): ValuePair {
  if (typeof obj.prompt !== 'string' || typeof obj.answer !== 'string') throw new InputError('FULCRA scored record needs "prompt" and "answer" strings');
  const reward = obj.value_reward;
  if (!Array.isArray(reward) || reward.length !== 10 || !reward.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= -1 && x <= 1)) {
    throw new InputError(`"value_reward" must be 10 numbers in [-1, 1] (FULCRA order: ${FULCRA_REWARD_ORDER.join(', ')})`);
  }
  const risks = Array.isArray(obj.safety_issues) ? obj.safety_issues.map(String) : [];
  const values = Object.fromEntries(FULCRA_REWARD_ORDER.map((v, i) => [v, reward[i] as number]));
  return { id: `${source ?? 'fulcra'}-${line}`, prompt: obj.prompt, response: obj.answer, values, risks, risk: risks.join(';') || 'none', ...(source ? { source } : {}) };
}

/** `harmless_test_openai_gpt-4.jsonl` -> `openai/gpt-4`: FULCRA names its answer files by source. */
export function sourceFromFileName(file: string): string | undefined {
  const m = /harmless_test_([^_/]+)_(.+)\.jsonl$/.exec(file);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

export type PairFormat = 'contract' | 'fulcra' | 'fulcra-scored';

/**
 * Stream a JSONL file of pairs (contract shape or one of FULCRA's formats), one pair at a time, so
 * files of any size pass in constant memory. Import notes go to `onIssue`; a bad line is an error
 * naming file and line. `format` is known once the first line is read.
 */
export async function* streamPairs(file: string, opts: { source?: string; onIssue?: (i: ImportIssue) => void; onFormat?: (f: PairFormat) => void } = {}): AsyncGenerator<ValuePair> {
  let format: PairFormat | undefined;
  const scoredSource = opts.source ?? sourceFromFileName(file);
  const issues: ImportIssue[] = [];
  const flush = (): void => {
    for (const i of issues.splice(0)) opts.onIssue?.(i);
  };
  let line = 0;
  const seen = new Map<string, number>();
  let rl;
  try {
    rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const raw of rl) {
      line++;
      if (!raw.trim()) continue;
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(raw) as Record<string, unknown>;
      } catch (e) {
        throw new InputError(`${file}:${line}: not valid JSON (${(e as Error).message})`);
      }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new InputError(`${file}:${line}: expected a JSON object`);
      if (!format) {
        format = 'dialogue' in obj ? 'fulcra' : 'value_reward' in obj ? 'fulcra-scored' : 'contract';
        opts.onFormat?.(format);
      }
      if (format !== 'contract') {
        let pair: ValuePair;
        try {
          pair = format === 'fulcra' ? fromFulcra(obj, line, issues) : fromFulcraScored(obj, line, scoredSource);
        } catch (e) {
          throw new InputError(`${file}:${line}: ${(e as Error).message}`);
        }
        flush();
        yield pair;
        continue;
      }
      const parsed = pairSchema.safeParse(obj);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new InputError(`${file}:${line}: ${issue.path.join('.') || '(record)'}: ${issue.message}`);
      }
      const p = parsed.data;
      if (p.values) {
        for (const k of Object.keys(p.values)) if (!(SCHWARTZ_VALUES as readonly string[]).includes(k)) issues.push({ line, message: `value "${k}" is not one of Schwartz's ten` });
      }
      if (seen.has(p.id)) throw new InputError(`${file}:${line}: id "${p.id}" already used on line ${seen.get(p.id)}`);
      seen.set(p.id, line);
      flush();
      yield { id: p.id, prompt: p.prompt, response: p.response, ...(p.values ? { values: p.values } : {}), ...(p.risk ? { risk: p.risk } : {}), ...(p.risks ? { risks: p.risks } : {}), ...(p.source ? { source: p.source } : {}) };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`${file}: no such file`);
    throw e;
  } finally {
    rl?.close();
  }
}

/** Read a whole JSONL file of pairs (see streamPairs). */
export async function readPairs(file: string, opts: { source?: string } = {}): Promise<{ pairs: ValuePair[]; issues: ImportIssue[]; format: PairFormat }> {
  const pairs: ValuePair[] = [];
  const issues: ImportIssue[] = [];
  let format: PairFormat = 'contract';
  for await (const p of streamPairs(file, { ...opts, onIssue: (i) => issues.push(i), onFormat: (f) => (format = f) })) pairs.push(p);
  return { pairs, issues, format };
}
