import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerCfa } from '../../src/cli/commands/stats-cfa.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURE_DIR, ordinalFixture } from '../stats/cfa-ordinal-fixtures.js';

/*
 * `valuelex stats cfa` against lavaan's numbers. Two tests spawn the built CLI (npm test builds
 * dist/ first) to check the whole path; the rest run the command in-process (a spawn costs ~2 s).
 */
interface CfaJson {
  estimator: string;
  items: string[];
  n_obs: number;
  n_dropped: number;
  loadings: { factor: string; item: string; est: number; se: number; std: number }[];
  thresholds: { item: string; threshold: string; est: number; se: number }[];
  factor_cor: { a: string; b: string; est: number; se: number | null }[];
  fit: Record<string, number | null>;
}

const TOL = 1e-5;
const CHISQ = 1e-3;
const dir = mkdtempSync(join(tmpdir(), 'valuelex-cfa-cli-'));

async function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const program = new Command().exitOverride();
  registerCfa(program.command('stats'));
  let stdout = '', stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'valuelex', 'stats', 'cfa', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, code };
}

afterEach(() => {
  process.exitCode = undefined;
});

async function cfa(args: string[], spawned = false): Promise<{ json: CfaJson; stderr: string }> {
  const r = spawned ? runCli(['stats', 'cfa', ...args, '--json']) : await run([...args, '--json']);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('valuelex:'))).toEqual([]);
  expect(r.code).toBe(0);
  return { json: JSON.parse(r.stdout) as CfaJson, stderr: r.stderr };
}

const near = (a: number | null | undefined, b: number, tol: number, what: string): void => {
  expect(typeof a, what).toBe('number');
  expect(Math.abs((a as number) - b), `${what}: ${a} vs lavaan ${b}`).toBeLessThan(tol);
};

describe('valuelex stats cfa --ordered (WLSMV)', () => {
  it('prints lavaan\'s estimates, SEs, thresholds, factor correlations and fit for 5-category items (built CLI)', async () => {
    const fx = ordinalFixture('cat5_3f');
    // The model as a user types it in a shell: factors separated by a literal backslash-n.
    const model = 'A =~ v1 + v2 + v3\\nB =~ v4 + v5 + v6\\nC =~ v9 + v8 + v7';
    const { json } = await cfa(['--input', `${FIXTURE_DIR}cat5_3f.csv`, '--model', model, '--ordered'], true);
    expect(json.estimator).toBe('WLSMV');
    expect(json.items).toEqual(fx.ov);
    expect(json.n_obs).toBe(fx.nobs);
    expect(json.loadings.map((l) => `${l.factor}=~${l.item}`)).toEqual(fx.loadings.map((l) => `${l.factor}=~${l.item}`));
    json.loadings.forEach((l, k) => {
      near(l.est, fx.loadings[k]!.est, TOL, `${l.item} est`);
      near(l.se, fx.loadings[k]!.se, TOL, `${l.item} se`);
    });
    expect(json.thresholds.map((t) => `${t.item}|${t.threshold}`)).toEqual(fx.thresholds.map((t) => `${t.item}|${t.threshold}`));
    json.thresholds.forEach((t, k) => near(t.est, fx.thresholds[k]!.est, 1e-9, `${t.item}|${t.threshold}`));
    expect(json.factor_cor.map((c) => `${c.a}~~${c.b}`)).toEqual(['A~~B', 'A~~C', 'B~~C']);
    json.factor_cor.forEach((c, k) => {
      near(c.est, fx.factor_cov[k]!.cor, TOL, `${c.a}~~${c.b}`);
      near(c.se, fx.factor_cov[k]!.se, TOL, `${c.a}~~${c.b} se`);
    });
    const keys: [string, string, number][] = [
      ['chisq', 'chisq', CHISQ], ['df', 'df', 0], ['chisq_scaled', 'chisq.scaled', CHISQ], ['df_scaled', 'df.scaled', 0],
      ['pvalue_scaled', 'pvalue.scaled', TOL], ['cfi', 'cfi', TOL], ['tli', 'tli', TOL], ['rmsea', 'rmsea', TOL], ['srmr', 'srmr', TOL],
      ['cfi_scaled', 'cfi.scaled', TOL], ['tli_scaled', 'tli.scaled', TOL], ['rmsea_scaled', 'rmsea.scaled', TOL],
    ];
    for (const [ours, theirs, tol] of keys) near(json.fit[ours], fx.fit[theirs]!, tol || 1e-12, ours);
  });

  it('badly fitting binary model, --ordered listing every item, model from a file with comments', async () => {
    const fx = ordinalFixture('binary_1f_misfit');
    const file = join(dir, 'one-factor.lav');
    writeFileSync(file, '# one general factor\nG =~ b1 + b2 + b3 + b4 +\n     b5 + b6 + b7 + b8\n');
    const { json } = await cfa(['--input', `${FIXTURE_DIR}binary_1f_misfit.csv`, '--model-file', file, '--ordered', 'b1,b2,b3,b4,b5,b6,b7,b8']);
    near(json.fit.chisq_scaled, fx.fit['chisq.scaled']!, CHISQ, 'chisq.scaled');
    near(json.fit.cfi_scaled, fx.fit['cfi.scaled']!, TOL, 'cfi.scaled');
    near(json.fit.rmsea_scaled, fx.fit['rmsea.scaled']!, TOL, 'rmsea.scaled');
    expect(json.fit.pvalue_scaled).toBeLessThan(1e-10);
    expect(json.thresholds.every((t) => t.threshold === 't1')).toBe(true);
  });

  it('drops incomplete rows, ignores extra columns and identifies by markers with --marker', async () => {
    const fx = ordinalFixture('mixed_missing_marker');
    const { json, stderr } = await cfa(['--input', `${FIXTURE_DIR}mixed_missing_marker.csv`, '--model', fx.model, '--ordered', '--marker']);
    expect(json.n_obs).toBe(fx.nobs);
    expect(json.n_dropped).toBe(fx.data.length - fx.nobs);
    json.loadings.forEach((l, k) => near(l.est, fx.loadings[k]!.est, TOL, `${l.factor}=~${l.item}`));
    near(json.factor_cor[0]!.est, fx.factor_cov[0]!.cor, TOL, 'F1~~F2 correlation');
    near(json.fit.chisq_scaled, fx.fit['chisq.scaled']!, CHISQ, 'chisq.scaled');
    expect(stderr).not.toMatch(/valuelex:/);
  });
});

describe('valuelex stats cfa (ML, continuous items)', () => {
  it('equals lavaan cfa(model, data, std.lv = TRUE) with the same JSON shape (built CLI)', async () => {
    const fx = ordinalFixture('ml_hs');
    const { json } = await cfa(['--input', `${FIXTURE_DIR}ml_hs.csv`, '--model', fx.model], true);
    expect(json.estimator).toBe('ML');
    expect(json.thresholds).toEqual([]);
    json.loadings.forEach((l, k) => {
      near(l.est, fx.loadings[k]!.est, 1e-4, `${l.item} est`);
      near(l.se, fx.loadings[k]!.se, 1e-4, `${l.item} se`);
    });
    json.factor_cor.forEach((c, k) => near(c.est, fx.factor_cov[k]!.cor, 1e-4, `${c.a}~~${c.b}`));
    for (const k of ['chisq', 'cfi', 'tli', 'rmsea', 'srmr'] as const) near(json.fit[k], fx.fit[k]!, 1e-4, k);
    for (const k of ['chisq_scaled', 'df_scaled', 'pvalue_scaled', 'cfi_scaled', 'tli_scaled', 'rmsea_scaled']) expect(json.fit[k], k).toBeNull();
  });
});

describe('valuelex stats cfa errors', () => {
  const input = `${FIXTURE_DIR}cat4_1f.csv`;
  const cases: [string[], RegExp][] = [
    [['--model', 'F =~ q1 + q2 + q9', '--ordered'], /cat4_1f\.csv: model item "q9" is not a column of the data/],
    [['--model', 'F =~ q1 + q2 + q3\nF ~~ G', '--ordered'], /--model: model line 2: "F ~~ G": operator "~~"/],
    [['--model', 'F =~ q1 + 1*q2 + q3', '--ordered'], /"1\*q2": modifiers/],
    [['--model', 'F =~ q1 + q2 + q3', '--ordered', 'q1,q2'], /--ordered: model item "q3" is not listed/],
    [['--model', 'F =~ q1 + q2 + q3', '--ordered', '--estimator', 'ml'], /--estimator ml treats items as continuous/],
    [['--model', 'F =~ q1 + q2 + q3', '--estimator', 'wlsmv'], /--estimator wlsmv needs --ordered/],
    [['--model', 'F =~ q1 + q2', '--ordered'], /not identified/],
    [['--ordered'], /--model is required/],
  ];
  for (const [args, re] of cases) {
    it(`${args.join(' ').replace(/\n/g, '\\n')} exits 2 with one line`, async () => {
      const r = await run(['--input', input, ...args]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(re);
    });
  }
  it('names the row and column of a value that is not a number', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b,c\n1,2,3\n2,x,1\n');
    const r = await run(['--input', bad, '--model', 'F =~ a + b + c', '--ordered']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/row 3, column "b": "x" is not a number/);
  });
  it('prints a readable summary without --json', async () => {
    const r = await run(['--input', input, '--model', 'F =~ q1 + q2 + q3 + q4 + q5 + q6', '--ordered']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^CFA \(WLSMV, ordered items, robust test\), 1 factor, std\.lv, n = 400/);
    expect(r.stdout).toMatch(/scaled \(scaled-shifted\) chi-square 17\.094 on 9 df/);
  });
});
