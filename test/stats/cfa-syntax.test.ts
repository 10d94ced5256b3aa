import { describe, expect, it } from 'vitest';
import { parseCfaSyntax, resolveCfaSyntax } from '../../src/stats/cfa-syntax.js';
import { StatsInputError } from '../../src/stats/input-error.js';

describe('parseCfaSyntax (lavaan =~ subset)', () => {
  it('reads factors separated by newlines, ";" and a literal backslash-n, with comments', () => {
    const s = parseCfaSyntax('# facets\nA =~ v1 + v2 + v3; B =~ v4 + v5\\nC =~ v9 + v8 + v7  # reversed order\n');
    expect(s.factors).toEqual([
      { name: 'A', items: ['v1', 'v2', 'v3'] },
      { name: 'B', items: ['v4', 'v5'] },
      { name: 'C', items: ['v9', 'v8', 'v7'] },
    ]);
    // lavaan's observed-variable order: first appearance in the model, not alphabetical.
    expect(s.items).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v9', 'v8', 'v7']);
  });

  it('lets an item load on two factors, merges repeated factor statements and continues after a trailing +', () => {
    const s = parseCfaSyntax('F1 =~ a + b +\n  c\nF2 =~ c + d\nF1 =~ e');
    expect(s.factors).toEqual([{ name: 'F1', items: ['a', 'b', 'c', 'e'] }, { name: 'F2', items: ['c', 'd'] }]);
    expect(s.items).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('accepts R-style names with dots and underscores, and CRLF line ends', () => {
    expect(parseCfaSyntax('f.one =~ x_1 + x.2\r\nf_2 =~ y1 + y2').items).toEqual(['x_1', 'x.2', 'y1', 'y2']);
  });

  const bad: [string, RegExp][] = [
    ['', /model is empty/],
    ['# only a comment', /model is empty/],
    ['F1 ~~ F2', /line 1: "F1 ~~ F2": operator "~~"/],
    ['F =~ a + b\ny ~ F', /line 2: "y ~ F": operator "~"/],
    ['F =~ 1*a + b', /"1\*a": modifiers/],
    ['F =~ NA*a + b', /"NA\*a": modifiers/],
    ['F =~ a + + b', /empty term/],
    ['F =~ a b', /"a b": two names without a "\+"/],
    ['F =~ a + 2b', /"2b" is not a valid item name/],
    ['=~ a + b', /missing factor name/],
    ['F =~', /lists no items/],
    ['F =~ a + a', /item a is listed twice for factor F/],
    ['F =~ a + b\nG =~ F + c', /"F" is both a factor and an item/],
    ['F =~ a =~ b', /more than one "=~"/],
    ['a | t1', /operator "\|"/],
    ['just words', /expected "factor =~ item/],
  ];
  for (const [text, re] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(() => parseCfaSyntax(text)).toThrow(StatsInputError);
      expect(() => parseCfaSyntax(text)).toThrow(re);
    });
  }
});

describe('resolveCfaSyntax', () => {
  it('maps model items to data columns in lavaan order and ignores extra columns', () => {
    const r = resolveCfaSyntax(parseCfaSyntax('A =~ c + a\nB =~ d + a'), ['id', 'a', 'b', 'c', 'd']);
    expect(r.items).toEqual(['c', 'a', 'd']);
    expect(r.columns).toEqual([3, 1, 4]);
    expect(r.factors).toEqual([{ name: 'A', items: [0, 1] }, { name: 'B', items: [2, 1] }]);
  });
  it('names a model item missing from the data, and a factor named like a column', () => {
    expect(() => resolveCfaSyntax(parseCfaSyntax('A =~ a + zz'), ['a', 'b'])).toThrow(/model item "zz" is not a column of the data \(columns: a, b\)/);
    expect(() => resolveCfaSyntax(parseCfaSyntax('b =~ a + c'), ['a', 'b', 'c'])).toThrow(/factor "b" has the name of a data column/);
    expect(() => resolveCfaSyntax(parseCfaSyntax('A =~ a + b'), ['a', 'b', 'a'])).toThrow(/names 2 columns/);
  });
});
