/**
 * Canonical JSON and the hashes built on it: cache keys of stored answers depend on these bytes, so
 * they must not change between versions, nor with the order keys were written in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashJson } from '../../src/core/hash.js';
import { requestKey } from '../../src/engine/key.js';

/** The definition, written the plain way: sorted keys, undefined members dropped, undefined array items as null. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => reference(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

describe('canonical JSON', () => {
  it('equals the definition on any JSON-like value, undefined members included (property)', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 5 }), fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('node'), { maxKeys: 6 })),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('does not depend on key order, and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined], c: 'x' }, z: undefined })).toBe('{"a":{"c":"x","d":[1,null]},"b":1}');
    expect(hashJson({ b: 1, a: 2 })).toBe(hashJson({ a: 2, b: 1 }));
  });

  it('keeps the cache key of a request as earlier versions computed it', () => {
    const key = requestKey({
      provider: 'openai',
      model: 'gpt-4o-mini',
      kind: 'chat',
      messages: [{ role: 'user', content: 'Name your values. Émile "quoted"' }],
      prompt: undefined,
      params: { temperature: 0.7, max_tokens: 400, seed: 1003 },
      sample: 3,
      attempt: 0,
    });
    expect(key).toBe('6f4bc1119fe226408a8d4979324dfc9df6150a14f01b7bf6646f5e84de13126a');
  });
});
