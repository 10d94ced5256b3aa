/**
 * RFC 4180 CSV records: commas, double-quoted fields with "" escapes and line breaks inside, CRLF,
 * LF or CR line ends. Each record carries the line it starts on, so readers can name it in errors.
 * A blank line (one empty field) is not a record.
 */
import { InputError } from '../config/load.js';

export interface CsvRecord {
  line: number;
  cells: string[];
}

const COMMA = 44, QUOTE = 34, LF = 10, CR = 13;

/**
 * One pass over char codes, taking each unquoted field as one slice of the text: building fields
 * a character at a time made reading a 3 MB CSV slower than correlating it. The grammar is
 * unchanged: a quote opens a quoted field only at the start of a field, a quote inside an unquoted
 * field (or after a closing quote) is literal, and text after a closing quote joins the field.
 */
export function parseCsvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const len = text.length;
  let cells: string[] = [];
  let line = 1;
  let start = 1;
  let i = 0;
  for (;;) {
    let cell: string;
    if (i < len && text.charCodeAt(i) === QUOTE) {
      cell = '';
      let from = ++i;
      for (;;) {
        if (i >= len) throw new InputError(`${file}:${start}: CSV ends inside a quoted field`);
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          if (i + 1 < len && text.charCodeAt(i + 1) === QUOTE) {
            cell += text.slice(from, i + 1);
            i += 2;
            from = i;
            continue;
          }
          cell += text.slice(from, i);
          i++;
          break;
        }
        if (c === LF) line++;
        i++;
      }
      const tail = i;
      while (i < len) {
        const c = text.charCodeAt(i);
        if (c === COMMA || c === LF || c === CR) break;
        i++;
      }
      if (i > tail) cell += text.slice(tail, i);
    } else {
      const from = i;
      while (i < len) {
        const c = text.charCodeAt(i);
        if (c === COMMA || c === LF || c === CR) break;
        i++;
      }
      cell = text.slice(from, i);
    }
    cells.push(cell);
    if (i >= len) {
      // The text ends: a last record without a line end (a lone empty field is no record).
      if (cells.length > 1 || cell !== '') records.push({ line: start, cells });
      break;
    }
    const c = text.charCodeAt(i++);
    if (c === COMMA) continue;
    if (c === CR && i < len && text.charCodeAt(i) === LF) i++;
    if (cells.length > 1 || cells[0] !== '') records.push({ line: start, cells });
    cells = [];
    line++;
    start = line;
    if (i >= len) break;
  }
  return records;
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The common case of a numeric item CSV, read without making a string per cell: a header line of
 * plain names (no quotes), then lines of fields that are empty (missing) or plain decimals
 * `-?digits[.digits]` with at most 15 digits. Such a decimal is m / 10^f with m and 10^f exact
 * doubles, so the one correctly rounded division gives exactly Number(field). Returns null at the
 * first thing outside that case (quotes, spaces, NA, exponents, blank lines, ragged rows, ...),
 * and the caller then reads the file the general way, which also words any error.
 */
export function parseNumericTable(text: string): { names: string[]; rows: (number | null)[][] } | null {
  const len = text.length;
  let i = 0;
  while (i < len && text.charCodeAt(i) !== LF && text.charCodeAt(i) !== CR) i++;
  const headerLine = text.slice(0, i);
  if (headerLine.includes('"')) return null;
  const names = headerLine.split(',').map((s) => s.trim());
  const p = names.length;
  if (p < 2) return null;
  if (i < len && text.charCodeAt(i) === CR) i++;
  if (i < len && text.charCodeAt(i) === LF) i++;
  const rows: (number | null)[][] = [];
  // One function call per line: the loop body is then optimized after a few lines, where one long
  // loop would run cold (interpreted) until on-stack replacement.
  while (i < len) {
    const row = new Array<number | null>(p);
    i = parseNumericRow(text, i, p, row);
    if (i < 0) return null;
    rows.push(row);
  }
  return rows.length > 0 ? { names, rows } : null;
}

/**
 * One line of p plain fields from index i into row; returns the index after its line end (or the
 * text's end), or -1 at anything outside parseNumericTable's case. A line of one empty field is a
 * blank line to the general reader; with p >= 2 it is a short row here, so refused too.
 */
function parseNumericRow(text: string, i: number, p: number, row: (number | null)[]): number {
  const len = text.length;
  for (let j = 0; ; j++) {
    if (j >= p) return -1;
    let c = i < len ? text.charCodeAt(i) : -1;
    if (c === COMMA || c === LF || c === CR || c === -1) row[j] = null;
    else {
      let negative = false;
      if (c === 45) {
        negative = true;
        c = text.charCodeAt(++i);
      }
      let m = 0, digits = 0, frac = 0;
      while (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        digits++;
        c = text.charCodeAt(++i);
      }
      if (digits === 0) return -1;
      if (c === 46) {
        c = text.charCodeAt(++i);
        while (c >= 48 && c <= 57) {
          m = m * 10 + (c - 48);
          frac++;
          c = text.charCodeAt(++i);
        }
        if (frac === 0) return -1;
      }
      if (digits + frac > 15 || !(i >= len || c === COMMA || c === LF || c === CR)) return -1;
      const v = frac > 0 ? m / POW10[frac]! : m;
      row[j] = negative ? -v : v;
    }
    if (i >= len) return j === p - 1 ? i : -1;
    c = text.charCodeAt(i++);
    if (c === COMMA) continue;
    if (j !== p - 1) return -1;
    if (c === CR && i < len && text.charCodeAt(i) === LF) i++;
    return i;
  }
}
