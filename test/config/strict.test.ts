/**
 * The study file is strict and bounded: an unknown key fails with file, line and the closest known
 * key; names are unique across models and judges; sizes and timeouts have maxima; YAML merge keys
 * work; free-form data lives under `extensions:` only.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { closestKey, parseConfigText } from '../../src/config/load.js';
import { CONFIG_LIMITS, studyConfigSchema } from '../../src/config/schema.js';

const parse = (text: string) => parseConfigText(text, 'study.yaml', studyConfigSchema);
const error = (text: string): string => {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected the study to be refused');
};
const MODEL = '  - {name: a, provider: openai, model: m, base_url: "http://127.0.0.1:1/v1"}';

describe('strict study files', () => {
  it('an unknown key in any section fails with file, line and "did you mean"', () => {
    expect(error('name: s\nmodles: []\n')).toBe('study.yaml:2: modles: unknown key (did you mean models?)');
    expect(error(`name: s\nmodels:\n${MODEL}\nelicit:\n  sample: 500\n  temprature: 5\n`)).toBe('study.yaml:5: elicit.sample: unknown key (did you mean samples?)');
    expect(error(`name: s\nmodels:\n${MODEL}\nelicit:\n  samples: 5\n  temprature: 5\n`)).toBe('study.yaml:6: elicit.temprature: unknown key (did you mean temperature?)');
    expect(error(`name: s\nmodels:\n${MODEL}\ntaxonomy: {rotation: oblimin}\n`)).toBe('study.yaml:4: taxonomy.rotation: unknown key (did you mean rotate?)');
    expect(error(`name: s\nmodels:\n  - {name: a, provider: openai, model: m, concurency: 4}\n`)).toBe('study.yaml:3: models[0].concurency: unknown key (did you mean concurrency?)');
    expect(error(`name: s\nmodels:\n${MODEL}\njudge: {provider: openai, model: j, temperature: 0}\n`)).toMatch(/^study\.yaml:4: judge\.temperature: unknown key \(known keys: name, provider, model, /);
    expect(error(`name: s\nmodels:\n${MODEL}\nprojective: {judge_repeat: 3}\n`)).toBe('study.yaml:4: projective.judge_repeat: unknown key (did you mean judge_repeats?)');
    expect(error(`name: s\nmodels:\n${MODEL}\nmy_notes: hello\n`)).toMatch(/^study\.yaml:4: my_notes: unknown key \(known keys: .*; put your own data, YAML anchors included, under extensions:\)$/);
  });

  it('extensions: holds anything, and YAML merge keys work', () => {
    const cfg = parse(`name: s\nextensions:\n  lab: {owner: me}\n  base: &b {provider: openai, base_url: "http://127.0.0.1:1/v1"}\nmodels:\n  - <<: *b\n    name: a\n    model: m\n`);
    expect(cfg.models[0]).toMatchObject({ name: 'a', provider: 'openai', base_url: 'http://127.0.0.1:1/v1' });
    expect(cfg.extensions).toMatchObject({ lab: { owner: 'me' } });
  });

  it('names are unique across models and judges (a judge named like a studied model is refused)', () => {
    expect(error(`name: s\nmodels:\n${MODEL}\njudge: {name: a, provider: openai, model: gpt-4o-judge, base_url: "http://127.0.0.1:2/v1"}\n`)).toBe(
      'study.yaml:4: judge.name: name "a" is already used by models[0]; models and judges need distinct names',
    );
    expect(error(`name: s\nmodels:\n${MODEL}\njudge:\n  - {name: j, provider: openai, model: x}\n  - {name: j, provider: openai, model: y}\n`)).toBe(
      'study.yaml:6: judge[1].name: name "j" is already used by judge[0]; models and judges need distinct names',
    );
    // The default judge name (judge-<model>) never collides with a studied model of that id.
    expect(parse(`name: s\nmodels:\n${MODEL}\njudge: {provider: openai, model: m}\n`).judge).toMatchObject({ name: 'judge-m' });
  });

  it('sizes and timeouts are bounded (a slip is refused at load time, not by an out-of-memory crash)', () => {
    expect(error(`name: s\nmodels:\n${MODEL}\nelicit: {samples: 1000000000}\n`)).toMatch(/^study\.yaml:4: elicit\.samples: Too big: expected number to be <=10000$/);
    expect(error(`name: s\nmodels:\n  - {name: a, provider: openai, model: m, timeout_ms: 4294967296}\n`)).toBe('study.yaml:3: models[0].timeout_ms: at most 3600000 ms (one hour)');
    expect(CONFIG_LIMITS.timeout_ms).toBeLessThan(2 ** 31 - 1);
    expect(error(`name: s\nmodels:\n${MODEL}\nrate: {respondents: 50000}\n`)).toMatch(/rate\.respondents: Too big/);
    expect(error(`name: s\nmodels:\n${MODEL}\nprojective: {samples: 1e9}\n`)).toMatch(/projective\.samples: Too big/);
    expect(parse(`name: s\nmodels:\n${MODEL}\nelicit: {samples: 10000}\n`).elicit.samples).toBe(10000);
  });

  it('weird keys are quoted and shortened in the message', () => {
    expect(error(`name: s\nmodels:\n${MODEL}\n"\\u001b[2J${'x'.repeat(100)}": 1\n`)).toMatch(/^study\.yaml:4: "\\u001b\[2Jx{56}\.\.\.": unknown key/);
  });

  it('closestKey suggests only near misses', () => {
    expect(closestKey('modles', ['models', 'judge'])).toBe('models');
    expect(closestKey('zzzzzz', ['models', 'judge'])).toBeUndefined();
  });
});
