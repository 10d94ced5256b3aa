import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { loadPromptBank, selectPrompts } from '../../../src/study/stages/elicit/prompts.js';
import { elicitResponder } from '../../../src/sim/responders/elicit.js';

describe('elicitation prompt bank', () => {
  it('ships a versioned bank with varied framings and formats', () => {
    const bank = loadPromptBank();
    expect(bank.version).toBe(1);
    expect(bank.prompts.length).toBeGreaterThanOrEqual(15);
    expect(new Set(bank.prompts.map((p) => p.id)).size).toBe(bank.prompts.length);
    const framings = new Set(bank.prompts.map((p) => p.framing));
    for (const f of ['first-person', 'descriptive', 'scenario']) expect(framings.has(f)).toBe(true);
    expect(bank.prompts.some((p) => p.format === 'list')).toBe(true);
    expect(bank.prompts.some((p) => p.format === 'free')).toBe(true);
    expect(bank.prompts.some((p) => /json/i.test(p.text))).toBe(true);
  });

  it('every shipped prompt is answered by the simulated elicitation responder', () => {
    for (const p of loadPromptBank().prompts) {
      expect(elicitResponder.matches({ model: 'sim/x', kind: 'chat', params: {} }, p.text), p.id).toBe(true);
    }
    expect(elicitResponder.matches({ model: 'sim/x', kind: 'chat', params: {} }, 'Rate how well "honesty" describes your values on a scale from 1 to 5.')).toBe(false);
  });

  it('selects prompts by id and names an unknown id', () => {
    const bank = loadPromptBank();
    expect(selectPrompts(bank, 'all')).toHaveLength(bank.prompts.length);
    expect(selectPrompts(bank, ['fp-list-core', 'scen-list-medical']).map((p) => p.id)).toEqual(['fp-list-core', 'scen-list-medical']);
    expect(() => selectPrompts(bank, ['nope'])).toThrow(/unknown prompt id "nope"/);
  });

  it('loads a user bank and rejects a malformed one with file, line and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-bank-'));
    const good = join(dir, 'bank.yaml');
    writeFileSync(good, 'version: 3\nname: mine\nprompts:\n  - id: a\n    framing: x\n    format: list\n    text: Which values do you hold most dear?\n');
    expect(loadPromptBank(good).prompts[0]!.id).toBe('a');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nprompts:\n  - id: a\n    framing: x\n    format: essay\n    text: Which values do you hold most dear?\n');
    expect(() => loadPromptBank(bad)).toThrow(InputError);
    expect(() => loadPromptBank(bad)).toThrow(/bad\.yaml:5: prompts\[0\]\.format/);
  });
});
