/**
 * Reading the numeric CSV files the `stats` subcommands take (DESIGN: header row of item names,
 * one respondent per row, empty cell = missing), on the shared RFC 4180 reader.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../config/load.js';
import { parseCsvRecords, parseNumericTable } from '../util/csv.js';

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
