/** `valuelex stats efa` through the built CLI: the --json shape of the contract, R psych's numbers, bad input. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const fixture = (name: string): { names: string[]; r?: number[][]; data?: (number | null)[][]; cases: Array<{ fm: string; nf: number; rotate: string; loadings: number[][]; communality: number[]; phi: number[][] | null }>; kmo: { overall: number; items: number[] }; bartlett: { chisq: number; df: number; p: number } } =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/r/efa/${name}.json`, import.meta.url)), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'vlx-efa-cli-'));

function csvOf(names: string[], rows: (number | null)[][], rowNames?: string[]): string {
  const head = (rowNames ? [''] : []).concat(names).join(',');
  return [head, ...rows.map((r, i) => (rowNames ? [rowNames[i]] : []).concat(r.map((v) => (v === null ? '' : String(v)))).join(','))].join('\n') + '\n';
}

describe('valuelex stats efa', () => {
  it('--json on raw data with missing values has the contract keys and psych numbers', () => {
    const f = fixture('bfi');
    const file = join(dir, 'bfi.csv');
    writeFileSync(file, csvOf(f.names, f.data!));
    const c = f.cases.find((x) => x.fm === 'minres' && x.rotate === 'oblimin')!;
    const r = runCli(['stats', 'efa', '--input', file, '--nfactors', '5', '--fm', 'minres', '--rotate', 'oblimin', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown> & { loadings: number[][]; communalities: number[]; phi: number[][]; kmo: { overall: number; items: number[] }; bartlett: { chisq: number; df: number; p: number } };
    for (const key of ['loadings', 'communalities', 'uniquenesses', 'phi', 'variance_explained', 'kmo', 'bartlett']) expect(out).toHaveProperty(key);
    expect(out.loadings).toHaveLength(25);
    expect(out.loadings[0]).toHaveLength(5);
    out.communalities.forEach((h, i) => expect(Math.abs(h - c.communality[i]!)).toBeLessThan(1e-4));
    // Column order may differ from R's: match each R column to ours by absolute congruence.
    for (let j = 0; j < 5; j++) {
      const col = c.loadings.map((row) => row[j]!);
      const best = Math.max(...[0, 1, 2, 3, 4].map((k) => Math.min(...col.map((v, i) => -Math.abs(Math.abs(v) - Math.abs(out.loadings[i]![k]!)))) ));
      expect(-best).toBeLessThan(1e-4);
    }
    expect(Math.abs(out.kmo.overall - f.kmo.overall)).toBeLessThan(1e-4);
    expect(Math.abs(out.bartlett.chisq - f.bartlett.chisq) / f.bartlett.chisq).toBeLessThan(1e-6);
    expect(out.bartlett.df).toBe(f.bartlett.df);
  });

  it('--cor with --n-obs; orthogonal rotation gives phi null; auto picks a factor count', () => {
    const f = fixture('thurstone');
    const file = join(dir, 'thurstone.csv');
    writeFileSync(file, csvOf(f.names, f.r!, f.names));
    const r = runCli(['stats', 'efa', '--input', file, '--cor', '--n-obs', '213', '--nfactors', '3', '--fm', 'ml', '--rotate', 'varimax', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { phi: unknown; loadings: number[][]; fit: { chisq: number } };
    expect(out.phi).toBeNull();
    expect(out.loadings).toHaveLength(9);
    expect(out.fit.chisq).toBeGreaterThan(0);
    const auto = runCli(['stats', 'efa', '--input', file, '--cor', '--n-obs', '213', '--json']);
    expect(auto.code).toBe(0);
    expect((JSON.parse(auto.stdout) as { factors: number }).factors).toBe(3);
  });

  it('bad input: a one-line error naming the problem, exit code 2', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b,c\n1,2,3\n2,x,1\n3,4,5\n');
    const r1 = runCli(['stats', 'efa', '--input', bad, '--nfactors', '1']);
    expect(r1.code).toBe(2);
    expect(r1.stderr.trim().split('\n')).toHaveLength(1);
    expect(r1.stderr).toMatch(/bad\.csv.*(row|line) 3.*x/i);
    const r2 = runCli(['stats', 'efa', '--input', bad.replace('bad', 'missing'), '--nfactors', '1']);
    expect(r2.code).toBe(2);
    const constant = join(dir, 'constant.csv');
    writeFileSync(constant, 'a,b,c\n1,2,3\n1,3,1\n1,4,2\n1,1,5\n');
    const r3 = runCli(['stats', 'efa', '--input', constant, '--nfactors', '1']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/constant|variance/i);
    const r4 = runCli(['stats', 'efa', '--input', constant, '--nfactors', '1', '--fm', 'wls']);
    expect(r4.code).toBe(2);
    expect(r4.stderr).toMatch(/--fm/);
  });
});
