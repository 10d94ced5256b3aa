/**
 * CSV, one reader for the whole library: RFC 4180 records (commas, double-quoted fields with ""
 * escapes and line breaks inside, CRLF, LF or CR line ends; each record carries the line it
 * starts on, so readers can name it in errors; a blank line is not a record), and on them the
 * numeric tables the `stats` commands take (header row of item names, one respondent per row,
 * empty cell = missing; or a correlation matrix).
 */
import { readFileSync } from 'node:fs';
import { InputError } from './errors.js';

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

/** One CSV field: empty for null or undefined, quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface ItemTable {
  names: string[];
  rows: (number | null)[][];
}

const MISSING = new Set(['', 'NA', 'NaN', 'na', 'null']);

/** A CSV of item scores: header of names, numbers or empty cells below. */
export function readItemCsv(path: string): ItemTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  text = text.replace(/^\uFEFF/, '');
  // Plain numeric files (the usual case) skip the string per cell; anything else, errors included,
  // takes the general path below.
  const plain = parseNumericTable(text);
  if (plain) return plain;
  const records = parseCsvRecords(text, path).map((r) => r.cells);
  if (records.length < 2) throw new InputError(`${path}: expected a header row and at least one data row`);
  const names = records[0]!.map((s) => s.trim());
  const rows = records.slice(1).map((rec, r) => {
    if (rec.length !== names.length) throw new InputError(`${path}: row ${r + 2} has ${rec.length} fields, the header has ${names.length}`);
    return rec.map((cell, c) => {
      const s = cell.trim();
      if (MISSING.has(s)) return null;
      const v = Number(s);
      if (!Number.isFinite(v)) throw new InputError(`${path}: row ${r + 2}, column "${names[c]}": "${s}" is not a number`);
      return v;
    });
  });
  return { names, rows };
}

/** A correlation matrix CSV: header of names, optionally a first column of row names. */
export function readCorrelationCsv(path: string): { names: string[]; r: number[][] } {
  const table = readItemCsvLoose(path);
  // Row names may sit in a first column, under an empty (or any) header cell or under none.
  const square = table.names.length === table.cells.length;
  const names = square ? table.names : table.names.slice(1);
  const r = table.cells.map((rec, i) => {
    const values = rec.length === names.length + 1 ? rec.slice(1) : rec;
    if (values.length !== names.length) throw new InputError(`${path}: row ${i + 2} does not have ${names.length} correlations`);
    return values.map((s, j) => {
      const v = Number(s.trim());
      if (s.trim() === '' || !Number.isFinite(v)) throw new InputError(`${path}: row ${i + 2}, column "${names[j]}": "${s}" is not a number`);
      return v;
    });
  });
  if (r.length !== names.length) throw new InputError(`${path}: a correlation matrix needs as many rows as columns (${r.length} x ${names.length})`);
  for (let i = 0; i < r.length; i++) {
    for (let j = 0; j < i; j++) if (Math.abs(r[i]![j]! - r[j]![i]!) > 1e-8) throw new InputError(`${path}: the matrix is not symmetric at ("${names[i]}", "${names[j]}")`);
    if (Math.abs(r[i]![i]! - 1) > 1e-8) throw new InputError(`${path}: the diagonal must be 1 ("${names[i]}" has ${r[i]![i]})`);
  }
  return { names, r };
}

function readItemCsvLoose(path: string): { names: string[]; cells: string[][] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const records = parseCsvRecords(text.replace(/^\uFEFF/, ''), path).map((r) => r.cells);
  if (records.length < 2) throw new InputError(`${path}: expected a header row and data rows`);
  return { names: records[0]!.map((s) => s.trim()), cells: records.slice(1) };
}
