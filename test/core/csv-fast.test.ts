/**
 * The CSV fast paths behind `stats efa` (issue 24): the char-code record parser keeps the RFC 4180
 * grammar of the character-at-a-time one, and plain numeric tables are read to exactly Number().
 */
import { describe, expect, it } from 'vitest';
import { parseCsvRecords, parseNumericTable } from '../../src/core/csv.js';

describe('parseCsvRecords', () => {
  it('quoted fields, escapes, line breaks inside quotes, CRLF / CR / LF, blank lines', () => {
    const text = 'a,"b ""q"", c"\r\n"x\ny",2\r\n\nlast,"",z"w"\r3,4';
    expect(parseCsvRecords(text, 'f')).toEqual([
      { line: 1, cells: ['a', 'b "q", c'] },
      { line: 2, cells: ['x\ny', '2'] },
      { line: 5, cells: ['last', '', 'z"w"'] },
      { line: 6, cells: ['3', '4'] },
    ]);
  });
  it('text after a closing quote joins the field; a trailing comma makes an empty field', () => {
    expect(parseCsvRecords('"a"b,c,\n', 'f')).toEqual([{ line: 1, cells: ['ab', 'c', ''] }]);
  });
  it('an unterminated quote names the line the record starts on', () => {
    expect(() => parseCsvRecords('a,b\n1,"2\n3', 'f.csv')).toThrow('f.csv:2: CSV ends inside a quoted field');
  });
});

describe('parseNumericTable', () => {
  it('reads plain decimals exactly as Number() and empty cells as missing', () => {
    const cells = ['0.1', '-0', '123456789012345', '-98765.4321', '0.00000000000001', '7'];
    const t = parseNumericTable(`x, y \n${cells.slice(0, 2).join(',')}\r\n${cells.slice(2, 4).join(',')}\n${cells[4]},\n,${cells[5]}\n`);
    expect(t?.names).toEqual(['x', 'y']);
    const flat = t!.rows.flat();
    expect(flat.map((v) => (v === null ? null : Object.is(v, -0) ? '-0' : v))).toEqual([0.1, '-0', 123456789012345, -98765.4321, 1e-14, null, null, 7]);
  });
  it('leaves anything else to the general reader', () => {
    for (const text of ['a,b\n1,NA\n', 'a,b\n1, 2\n', 'a,b\n1e3,2\n', 'a,b\n"1",2\n', '"a",b\n1,2\n', 'a,b\n1,2\n\n3,4\n', 'a,b\n1,2,3\n', 'a,b\n1\n', 'a\n1\n', 'a,b\n', 'a,b\n1234567890123456,1\n', 'a,b\n.5,1\n', 'a,b\n1.,1\n']) {
      expect(parseNumericTable(text)).toBeNull();
    }
  });
});
