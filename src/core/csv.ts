/**
 * RFC 4180 CSV records: commas, double-quoted fields with "" escapes and line breaks inside, CRLF,
 * LF or CR line ends. Each record carries the line it starts on, so readers can name it in errors.
 * A blank line (one empty field) is not a record.
 */
import { InputError } from './errors.js';

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
