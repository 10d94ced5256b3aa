import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../../src/core/errors.js';
import { parseConfigText } from '../../src/config/load.js';
import { studyConfigSchema } from '../../src/config/schema.js';

const FILE = 'study.yaml';
/** Every rejection must be an InputError whose single line names the file (and a line when known). */
function expectCleanOutcome(text: string): void {
  try {
    parseConfigText(text, FILE, studyConfigSchema);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const msg = (e as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(/^study\.yaml(:\d+(:\d+)?)?: \S/);
  }
}

const validModel = { name: 'a', provider: 'openai', model: 'm', base_url: 'http://127.0.0.1:1/v1' };

describe('config loader fuzzing', () => {
  it('arbitrary text never crashes the loader', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => expectCleanOutcome(text)), { numRuns: 400 });
  });

  it('arbitrary JSON-like values never crash the loader', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => expectCleanOutcome(stringify(value))), { numRuns: 400 });
  });

  it('mutating one field of a valid study gives a valid config or a line-numbered error', () => {
    const keys = ['name', 'store', 'seed', 'models', 'judge', 'embedding', 'elicit', 'rate', 'taxonomy', 'projective', 'stages'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), (key, value) => {
        const study: Record<string, unknown> = { name: 's', models: [validModel] };
        study[key] = value;
        expectCleanOutcome(stringify(study));
      }),
      { numRuns: 400 },
    );
  });

  it('mutating a model field names the model entry', () => {
    const fields = ['name', 'provider', 'model', 'base_url', 'api_key_env', 'kind', 'tags', 'concurrency', 'rpm', 'params'];
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 }), (field, value) => {
        const text = stringify({ name: 's', models: [validModel, { ...validModel, name: 'b', [field]: value }] });
        try {
          parseConfigText(text, FILE, studyConfigSchema);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as Error).message).toMatch(/^study\.yaml:\d+: models(\[1\])?/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
