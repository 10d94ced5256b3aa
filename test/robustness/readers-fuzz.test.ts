/**
 * Property-based fuzzing of every reader of outside input besides the study config (which
 * config-fuzz.test.ts covers): value-pair JSONL (contract and FULCRA formats), pair CSV, align
 * prompts, imported completions, and the parsers of model answers (judge scores, Likert ratings).
 * Every input either parses to something valid or fails with an error naming the file and line;
 * nothing crashes with a TypeError, and a parser never returns out-of-range values.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPrompts } from '../../src/evaluation/align-file.js';
import { InputError } from '../../src/core/errors.js';
import { readPairs } from '../../src/values/pairs.js';
import { readPairsCsv } from '../../src/evaluation/dataset.js';
import { parseJudgeScores } from '../../src/judge/judge.js';
import { parseRatings } from '../../src/study/stages/rate/stage.js';
import { loadItemBank, readImportedCompletions } from '../../src/study/stages/projective/stage.js';

const dir = mkdtempSync(join(tmpdir(), 'vlx-fuzz-'));
let n = 0;
const file = (text: string, ext = 'jsonl'): string => {
  const f = join(dir, `f${n++}.${ext}`);
  writeFileSync(f, text);
  return f;
};

/** A line: arbitrary text, arbitrary JSON, or a near-valid record of one of the formats with a field broken. */
const line = fc.oneof(
  fc.string(),
  fc.json(),
  fc.record({ id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), prompt: fc.oneof(fc.string(), fc.integer()), response: fc.oneof(fc.string(), fc.constant(undefined)), values: fc.oneof(fc.dictionary(fc.constantFrom('power', 'security', 'kindness'), fc.oneof(fc.double(), fc.string())), fc.constant(undefined)) }).map((o) => JSON.stringify(o)),
  fc.record({ dialogue: fc.oneof(fc.string(), fc.constant('Human: hi\nBob: yo')), value_types: fc.array(fc.string()) }).map((o) => JSON.stringify(o)),
  fc.record({ prompt: fc.string(), answer: fc.string(), value_reward: fc.array(fc.double(), { maxLength: 11 }), safety_issues: fc.array(fc.string()) }).map((o) => JSON.stringify(o)),
);

function expectNamedError(e: unknown, f: string): void {
  expect(e).toBeInstanceOf(InputError);
  expect((e as Error).message).toContain(f);
}

describe('readers of outside input never crash', () => {
  it('value-pair JSONL: valid pairs or an InputError naming file and line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 6 }), async (lines) => {
        const f = file(lines.join('\n'));
        try {
          const { pairs } = await readPairs(f);
          for (const p of pairs) {
            expect(typeof p.prompt).toBe('string');
            expect(typeof p.response).toBe('string');
            for (const v of Object.values(p.values ?? {})) expect(Math.abs(v)).toBeLessThanOrEqual(1);
          }
        } catch (e) {
          expectNamedError(e, f);
          expect((e as Error).message).toMatch(/:\d+: |no such file/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('pair CSV: pairs or an InputError naming file and line', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(fc.string(), fc.constantFrom('"', '""', ',', '\n', '1', '-1', 'x')), { maxLength: 6 }).map((cells) => cells.join(',')), { maxLength: 5 }), (rows) => {
        const f = file(['id,prompt,response,power', ...rows].join('\n'), 'csv');
        try {
          for (const p of readPairsCsv(f)) for (const v of Object.values(p.values ?? {})) expect(Math.abs(v)).toBeLessThanOrEqual(1);
        } catch (e) {
          expectNamedError(e, f);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('align prompts and imported completions: records or an InputError naming file and line', () => {
    const bank = loadItemBank('default');
    fc.assert(
      fc.property(fc.array(fc.oneof(line, fc.record({ model: fc.string(), stem: fc.string(), completion: fc.string() }).map((o) => JSON.stringify(o))), { maxLength: 5 }), (lines) => {
        const f = file(lines.join('\n'));
        for (const read of [() => readPrompts(f), () => readImportedCompletions(f, bank, new Set(['m']))]) {
          try {
            read();
          } catch (e) {
            expect(e).toBeInstanceOf(InputError);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('model-answer parsers: valid values or an Error, never out of range', () => {
    const system = { name: 's', dimensions: [{ id: 'a', label: 'A', definition: 'x' }, { id: 'b', label: 'B', definition: 'y' }] };
    const answer = fc.oneof(fc.string(), fc.json(), fc.record({ scores: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof(fc.integer({ min: -3, max: 3 }), fc.string())) }).map((o) => `Sure! ${JSON.stringify(o)} done`));
    fc.assert(
      fc.property(answer, (text) => {
        try {
          const s = parseJudgeScores(text, system);
          expect(Object.keys(s).sort()).toEqual(['a', 'b']);
          for (const v of Object.values(s)) expect([-1, 0, 1]).toContain(v);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect(e).not.toBeInstanceOf(TypeError);
        }
        try {
          const r = parseRatings(text, ['honesty', 'care'], 5);
          for (const v of r.values()) expect(v >= 1 && v <= 5 && Number.isInteger(v)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect(e).not.toBeInstanceOf(TypeError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
