import { describe, expect, it } from 'vitest';
import { cronbachAlpha } from '../../src/stats/reliability.js';
import { DegenerateDataError } from '../../src/stats/correlation.js';
import { csvData, fixture, TOL, type BfiFixture } from '../helpers/r-fixtures.js';

const fx = fixture<BfiFixture>('bfi.json');
const cols = ['A1', 'A2', 'A3', 'A4', 'A5'].map((n) => fx.names.indexOf(n));
const agree = csvData('bfi.csv').map((row) => cols.map((c) => row[c]!));

describe('cronbachAlpha against psych::alpha(bfi agreeableness, check.keys = TRUE)', () => {
  const res = cronbachAlpha(agree, { checkKeys: true });
  it('reverses A1 with a warning', () => {
    expect(res.keys).toEqual(fx.alpha.keys.map((k) => (k.startsWith('-') ? -1 : 1)));
    expect(res.warnings.join(' ')).toMatch(/reversed/);
  });
  it('matches the total statistics', () => {
    const t = fx.alpha.total;
    const ours: Record<string, number> = {
      raw_alpha: res.total.rawAlpha, 'std.alpha': res.total.stdAlpha, 'G6(smc)': res.total.g6, average_r: res.total.averageR,
      'S/N': res.total.signalNoise, ase: res.total.ase, mean: res.total.mean, sd: res.total.sd, median_r: res.total.medianR,
    };
    for (const [k, v] of Object.entries(t)) expect(Math.abs(ours[k]! - v), k).toBeLessThan(TOL);
  });
  it('matches alpha if item dropped', () => {
    const d = fx.alpha.drop;
    const pick: Record<string, (s: (typeof res.alphaIfDropped)[number]) => number> = {
      raw_alpha: (s) => s.rawAlpha, 'std.alpha': (s) => s.stdAlpha, 'G6(smc)': (s) => s.g6, average_r: (s) => s.averageR,
      'S/N': (s) => s.signalNoise, 'alpha se': (s) => s.alphaSe, 'var.r': (s) => s.varR, 'med.r': (s) => s.medianR,
    };
    for (const [k, values] of Object.entries(d)) res.alphaIfDropped.forEach((s, i) => expect(Math.abs(pick[k]!(s) - values[i]!), `${k}[${i}]`).toBeLessThan(TOL));
  });
  it('matches the item statistics', () => {
    const it = fx.alpha.items;
    const pick: Record<string, (s: (typeof res.items)[number]) => number> = {
      n: (s) => s.n, 'raw.r': (s) => s.rawR, 'std.r': (s) => s.stdR, 'r.cor': (s) => s.rCor, 'r.drop': (s) => s.rDrop, mean: (s) => s.mean, sd: (s) => s.sd,
    };
    for (const [k, values] of Object.entries(it)) res.items.forEach((s, i) => expect(Math.abs(pick[k]!(s) - values[i]!), `${k}[${i}]`).toBeLessThan(TOL));
  });
  it('without checkKeys keeps the keys and warns about the negative item', () => {
    const plain = cronbachAlpha(agree);
    expect(plain.keys).toEqual([1, 1, 1, 1, 1]);
    expect(plain.warnings.join(' ')).toMatch(/Some items \(1\)/);
    expect(plain.total.rawAlpha).toBeLessThan(res.total.rawAlpha);
  });
  it('explicit keys give the same result as check.keys found', () => {
    expect(cronbachAlpha(agree, { keys: [-1, 1, 1, 1, 1] }).total.rawAlpha).toBeCloseTo(res.total.rawAlpha, 12);
  });
  it('rejects constant items and single-item scales', () => {
    expect(() => cronbachAlpha([[1, 2], [1, 3], [1, 4]])).toThrow(DegenerateDataError);
    expect(() => cronbachAlpha([[1], [2], [3]])).toThrow(/at least 2 items/);
    expect(() => cronbachAlpha(agree, { keys: [1, 1] })).toThrow(/keys/);
  });
});
