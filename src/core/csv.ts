/**
 * CSV, one reader for the whole library: RFC 4180 records (commas, double-quoted fields with ""
 * escapes and line breaks inside, CRLF, LF or CR line ends; each record carries the line it
 * starts on, so readers can name it in errors; a blank line is not a record), and on them the
 * numeric tables the `stats` commands take (header row of item names, one respondent per row,
 * empty cell = missing; or a correlation matrix).
 */
import { InputError } from './errors.js';
import { readTextFile } from './text-file.js';

export interface CsvRecord {
  line: number;
  cells: string[];
}

export function parseCsvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const end = (): void => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      end();
      line++;
      start = line;
    } else cell += c;
  }
  if (quoted) throw new InputError(`${file}:${start}: CSV ends inside a quoted field`);
  if (cell !== '' || cells.length > 0) end();
  return records;
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
  const records = parseCsvRecords(readTextFile(path), path).map((r) => r.cells);
  if (records.length < 2) throw new InputError(`${path}: expected a header row and at least one data row`);
  const names = checkHeader(records[0]!.map((s) => s.trim()), path);
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
  const records = parseCsvRecords(readTextFile(path), path).map((r) => r.cells);
  if (records.length < 2) throw new InputError(`${path}: expected a header row and data rows`);
  const header = records[0]!.map((s) => s.trim());
  // A first header cell left empty names the column of row names.
  checkHeader(header[0] === '' ? header.slice(1) : header, path, header[0] === '' ? 1 : 0);
  return { names: header, cells: records.slice(1) };
}

/**
 * Column names must be present and distinct: results are reported by name, and two columns of one
 * name would be indistinguishable (or one would silently replace the other).
 */
export function checkHeader(names: string[], path: string, offset = 0): string[] {
  const first = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') throw new InputError(`${path}:1: column ${i + 1 + offset} has no name`);
    const before = first.get(name);
    if (before !== undefined) throw new InputError(`${path}:1: columns ${before + 1 + offset} and ${i + 1 + offset} are both named "${name}"`);
    first.set(name, i);
  });
  return names;
}
