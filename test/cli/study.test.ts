import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { studyConfigSchema } from '../../src/config/schema.js';
import { runCli } from '../helpers/cli.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population, by role (their names are drawn from its seed). */
const [BASE] = pickSimNames('base') as [string];

const tmp = () => mkdtempSync(join(tmpdir(), 'vlx-cli-'));

describe('valuelex init / run config validation', () => {
  it('init writes a commented study.yaml that validates', () => {
    const dir = tmp();
    const r = runCli(['init', 'mystudy'], { cwd: dir });
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'mystudy', 'study.yaml'), 'utf8');
    expect(text).toMatch(/^# ValueLex study configuration/m);
    expect(text).toMatch(/api_key_env/);
    const parsed = studyConfigSchema.safeParse(parse(text));
    expect(parsed.success).toBe(true);
    // A second init refuses to overwrite.
    const again = runCli(['init', 'mystudy'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('a broken field fails with one line naming file, line and field', () => {
    const dir = tmp();
    const file = join(dir, 'study.yaml');
    writeFileSync(file, 'name: s\nmodels:\n  - name: a\n    provider: openai\n    model: m\n  - name: b\n    provider: openia\n    model: m\n');
    const r = runCli(['run', file]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/study\.yaml:7: models\[1\]\.provider: /);
  });

  it('invalid YAML names the line and column', () => {
    const dir = tmp();
    const file = join(dir, 'study.yaml');
    writeFileSync(file, 'name: s\nmodels: [\n  {name: a\n');
    const r = runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/study\.yaml:\d+:\d+: invalid YAML/);
  });

  it('refuses an API key pasted where the variable name belongs, without echoing it', () => {
    const dir = tmp();
    const file = join(dir, 'study.yaml');
    const key = 'sk-abcdefghijklmnopqrstuvwxyz012345';
    writeFileSync(file, `name: s\nmodels:\n  - name: a\n    provider: openai\n    model: m\n    api_key_env: ${key}\n`);
    const r = runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/study\.yaml:6: models\[0\]\.api_key_env/);
    expect(r.stderr + r.stdout).not.toContain(key);
  });

  it('a missing key variable is a clear error', () => {
    const dir = tmp();
    const file = join(dir, 'study.yaml');
    writeFileSync(file, 'name: s\nmodels:\n  - name: a\n    provider: openai\n    model: gpt-4o-mini\n    api_key_env: VLX_SURELY_UNSET_KEY\n');
    const r = runCli(['run', file], { env: { VLX_SURELY_UNSET_KEY: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VLX_SURELY_UNSET_KEY .*is not set/);
  });

  it('unknown stage in --stages is rejected', () => {
    const dir = tmp();
    const file = join(dir, 'study.yaml');
    writeFileSync(file, `name: s\nmodels:\n  - name: a\n    provider: simulated\n    model: sim/${BASE}\n`);
    const r = runCli(['run', file, '--stages', 'elicit,bogus']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown stage "bogus"/);
  });
});
