import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerAlpha } from '../../src/cli/commands/stats-alpha.js';
import { registerParallel } from '../../src/cli/commands/stats-parallel.js';
import { fixture, TOL, type BfiFixture, type MatrixFixture } from '../helpers/r-fixtures.js';

const bfiCsv = fileURLToPath(new URL('../fixtures/r/core/bfi.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'valuelex-stats-core-'));

async function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const program = new Command().exitOverride();
  const group = program.command('stats');
  registerParallel(group);
  registerAlpha(group);
  let stdout = '', stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'valuelex', 'stats', ...args]);
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

describe('valuelex stats alpha', () => {
  const fx = fixture<BfiFixture>('bfi.json');
  const file = join(dir, 'agree.csv');
  const cols = ['A1', 'A2', 'A3', 'A4', 'A5'].map((n) => fx.names.indexOf(n));
  const lines = readFileSync(bfiCsv, 'utf8').trim().split('\n');
  writeFileSync(file, lines.map((l) => { const c = l.split(','); return cols.map((i) => c[i]).join(','); }).join('\n') + '\n');

  it('--json prints psych::alpha numbers', async () => {
    const { stdout, code, stderr } = await run(['alpha', '--input', file, '--check-keys', '--json']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/reversed/);
    const j = JSON.parse(stdout) as { raw_alpha: number; std_alpha: number; keys: number[]; item_stats: { item: string; r_drop: number }[]; alpha_if_dropped: { raw_alpha: number }[] };
    expect(Math.abs(j.raw_alpha - fx.alpha.total.raw_alpha!)).toBeLessThan(TOL);
    expect(Math.abs(j.std_alpha - fx.alpha.total['std.alpha']!)).toBeLessThan(TOL);
    expect(j.keys).toEqual([-1, 1, 1, 1, 1]);
    expect(j.item_stats.map((s) => s.item)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
    j.alpha_if_dropped.forEach((d, i) => expect(Math.abs(d.raw_alpha - fx.alpha.drop.raw_alpha![i]!)).toBeLessThan(TOL));
  });
  it('prints a readable table without --json', async () => {
    const { stdout, code } = await run(['alpha', '--input', file, '--check-keys']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^alpha 0\.703 {2}std\.alpha 0\.713/);
    expect(stdout).toMatch(/-A1 /);
  });
  it('bad input exits 2 with a one-line message', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,x\n2,3\n');
    const r = await run(['alpha', '--input', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/row 2, column "b": "x" is not a number/);
    const constant = join(dir, 'constant.csv');
    writeFileSync(constant, 'a,b\n1,2\n1,3\n1,4\n');
    const c = await run(['alpha', '--input', constant]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/no variance/);
  });
});

describe('valuelex stats parallel', () => {
  it('--cor --json on Thurstone gives psych\'s observed eigenvalues, suggestion and MAP', async () => {
    const fx = fixture<MatrixFixture>('thurstone.json');
    const file = join(dir, 'thurstone.csv');
    writeFileSync(file, [',' + fx.names.join(','), ...fx.r.map((row, i) => [fx.names[i], ...row].join(','))].join('\n'));
    const { stdout, code } = await run(['parallel', '--input', file, '--cor', '--n-obs', '213', '--iter', '100', '--json']);
    expect(code).toBe(0);
    const j = JSON.parse(stdout) as { observed: { fa: number[]; pc: number[] }; simulated: { pc_mean: number[] }; nfact: number; ncomp: number; kaiser: number; map: { map2: number[] } };
    j.observed.pc.forEach((v, k) => expect(Math.abs(v - fx.parallel.pc_values[k]!)).toBeLessThan(TOL));
    j.observed.fa.forEach((v, k) => expect(Math.abs(v - fx.parallel.fa_values[k]!)).toBeLessThan(TOL));
    expect(j.nfact).toBe(fx.parallel.nfact);
    expect(j.ncomp).toBe(fx.parallel.ncomp);
    expect(j.kaiser).toBe(3);
    j.map.map2.forEach((v, k) => expect(Math.abs(v - fx.map.vss_map[k]!)).toBeLessThan(TOL));
  });
  it('reads raw data and prints a table', async () => {
    const { stdout, code } = await run(['parallel', '--input', bfiCsv, '--iter', '5']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/25 items, n = 2800, 5 simulated data sets/);
    expect(stdout).toMatch(/Suggested: factors \d+; components \d+; Kaiser \(eigenvalues > 1\) 6; MAP \d+/);
  });
  it('--cor without --n-obs is an input error', async () => {
    const r = await run(['parallel', '--input', bfiCsv, '--cor']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--n-obs/);
  });
});
