/**
 * A PostgreSQL database behind the subset of better-sqlite3's synchronous API the run store and the
 * stages use (prepare -> get/all/run/iterate, exec, transaction, pragma, close), so a team can share
 * one run database (`store: postgres://...`). Statements are written once, in the SQLite dialect
 * the project uses, and translated here: placeholders (`?`, `@name`) to `$n`, column types,
 * `INSERT OR REPLACE/IGNORE` to `ON CONFLICT`, SQLite's timestamp and JSON functions, and the
 * catalog (`sqlite_master`). Calls go through a worker thread (pg-worker.ts) and block until
 * PostgreSQL answers.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSyncFn } from 'synckit';
import type { PgAnswer, PgRequest } from './pg-worker.js';

type Call = (req: PgRequest) => PgAnswer;

let call: Call | undefined;
function worker(): Call {
  if (!call) {
    // From the sources (tests), the compiled worker in dist/ does the work.
    let file = fileURLToPath(new URL('./pg-worker.js', import.meta.url));
    if (!existsSync(file)) file = file.replace(/([\\/])src([\\/]store[\\/])/, '$1dist$2');
    call = createSyncFn<(req: PgRequest) => Promise<PgAnswer>>(file, { timeout: 120_000 }) as unknown as Call;
  }
  return call;
}

const TIMESTAMP_NOW = `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** SQLite-dialect SQL (as written in this project) to PostgreSQL, with the order of named parameters. */
export function translateSql(sql: string, primaryKey: (table: string) => string[]): { sql: string; names: string[] } {
  let s = sql;
  s = s.replace(/strftime\(\s*'%Y-%m-%dT%H:%M:%fZ'\s*,\s*'now'\s*\)/g, TIMESTAMP_NOW);
  s = s.replace(/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/gi, 'BIGSERIAL PRIMARY KEY');
  s = s.replace(/\bREAL\b/g, 'DOUBLE PRECISION');
  s = s.replace(/\bBLOB\b/g, 'BYTEA');
  s = s.replace(/SELECT (\w+|1) FROM sqlite_master WHERE type\s*=\s*'table' AND name\s*=\s*(\?|'\w+')/gi, (_m, col: string, name: string) => `SELECT ${col === '1' ? '1' : 'table_name AS name'} FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ${name}`);
  s = s.replace(/json_each\(\?\)/g, 'json_array_elements_text(CAST(? AS json))');
  // Insertion order: rows are upserted in configuration order on every run, so the physical order
  // of their latest versions follows it.
  s = s.replace(/ORDER BY rowid\b/gi, 'ORDER BY ctid');
  const replace = /^\s*INSERT OR REPLACE INTO (\w+)\s*\(([^)]*)\)/i.exec(s);
  if (replace) {
    const table = replace[1]!;
    const cols = replace[2]!.split(',').map((c) => c.trim());
    const pk = primaryKey(table);
    const set = cols.filter((c) => !pk.includes(c.replace(/"/g, '')));
    s = s.replace(/^\s*INSERT OR REPLACE INTO/i, 'INSERT INTO') + ` ON CONFLICT (${pk.join(', ')}) DO ${set.length ? `UPDATE SET ${set.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}` : 'NOTHING'}`;
  }
  if (/^\s*INSERT OR IGNORE INTO/i.test(s)) s = s.replace(/^\s*INSERT OR IGNORE INTO/i, 'INSERT INTO') + ' ON CONFLICT DO NOTHING';
  // Placeholders, outside string literals: ? -> $n in order; @name -> one $n per distinct name.
  const names: string[] = [];
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      out += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c === '-' && s[i + 1] === '-') {
      // A comment runs to the end of the line; its apostrophes are not quotes.
      const end = s.indexOf('\n', i);
      const stop = end < 0 ? s.length : end;
      out += s.slice(i, stop);
      i = stop - 1;
      continue;
    }
    if (c === '?') {
      out += `$${++n}`;
      continue;
    }
    if (c === '@' && /[A-Za-z_]/.test(s[i + 1] ?? '')) {
      const m = /^@([A-Za-z_]\w*)/.exec(s.slice(i))!;
      let k = names.indexOf(m[1]!);
      if (k < 0) {
        names.push(m[1]!);
        k = names.length - 1;
      }
      out += `$${k + 1}`;
      i += m[0].length - 1;
      continue;
    }
    out += c;
  }
  return { sql: out, names };
}

function bindParams(args: unknown[], names: string[]): unknown[] {
  if (names.length > 0) {
    const obj = (args[0] ?? {}) as Record<string, unknown>;
    return names.map((k) => normalise(obj[k]));
  }
  return args.flat().map(normalise);
}

function normalise(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  return v;
}

export class PgStatement {
  private translated: { sql: string; names: string[] } | undefined;
  constructor(private readonly db: PgDatabase, private readonly source: string) {}

  private q(args: unknown[]): PgAnswer {
    this.translated ??= translateSql(this.source, (t) => this.db.primaryKey(t));
    return this.db.query(this.translated.sql, bindParams(args, this.translated.names));
  }

  get(...args: unknown[]): unknown {
    return this.q(args).rows?.[0];
  }

  all(...args: unknown[]): unknown[] {
    return this.q(args).rows ?? [];
  }

  iterate(...args: unknown[]): IterableIterator<unknown> {
    return (this.q(args).rows ?? [])[Symbol.iterator]();
  }

  run(...args: unknown[]): { changes: number; lastInsertRowid: number } {
    const isInsert = /^\s*INSERT\b/i.test(this.source) && !/\bRETURNING\b/i.test(this.source) && this.db.hasSerialId(/^\s*INSERT(?: OR \w+)? INTO (\w+)/i.exec(this.source)?.[1] ?? '');
    if (isInsert) {
      this.translated ??= translateSql(this.source, (t) => this.db.primaryKey(t));
      const res = this.db.query(`${this.translated.sql} RETURNING id`, bindParams(args, this.translated.names));
      return { changes: res.rowCount ?? 0, lastInsertRowid: Number(res.rows?.[0]?.id ?? 0) };
    }
    const res = this.q(args);
    return { changes: res.rowCount ?? 0, lastInsertRowid: 0 };
  }
}

export class PgDatabase {
  open = true;
  private readonly id: number;
  private depth = 0;
  private readonly keys = new Map<string, string[]>();
  private readonly serial = new Map<string, boolean>();

  constructor(readonly url: string) {
    this.id = worker()({ op: 'connect', url }).id!;
  }

  query(sql: string, params: unknown[] = []): PgAnswer {
    return worker()({ op: 'query', id: this.id, sql, params });
  }

  primaryKey(table: string): string[] {
    let k = this.keys.get(table);
    if (!k) {
      k = (this.query(
        `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
        [table],
      ).rows ?? []).map((r) => `"${String(r.name)}"`);
      if (k.length === 0) throw new Error(`postgres: table ${table} has no primary key for INSERT OR REPLACE`);
      this.keys.set(table, k);
    }
    return k;
  }

  hasSerialId(table: string): boolean {
    if (!table) return false;
    let s = this.serial.get(table);
    if (s === undefined) {
      s = (this.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id' AND column_default LIKE 'nextval%'`, [table]).rows ?? []).length > 0;
      this.serial.set(table, s);
    }
    return s;
  }

  prepare(sql: string): PgStatement {
    return new PgStatement(this, sql);
  }

  exec(sql: string): this {
    this.query(translateSql(sql, (t) => this.primaryKey(t)).sql);
    // A schema change may add tables: forget cached catalog facts.
    if (/\bCREATE\b|\bALTER\b|\bDROP\b/i.test(sql)) {
      this.keys.clear();
      this.serial.clear();
    }
    return this;
  }

  pragma(): undefined {
    return undefined;
  }

  /** better-sqlite3's transaction(fn): BEGIN/COMMIT, nested calls as savepoints. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) & { immediate: (...args: A) => R; deferred: (...args: A) => R; exclusive: (...args: A) => R } {
    const run = (...args: A): R => {
      const sp = `sp${this.depth}`;
      this.query(this.depth === 0 ? 'BEGIN' : `SAVEPOINT ${sp}`);
      this.depth++;
      try {
        const r = fn(...args);
        this.depth--;
        this.query(this.depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${sp}`);
        return r;
      } catch (e) {
        this.depth--;
        this.query(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${sp}`);
        throw e;
      }
    };
    return Object.assign(run, { immediate: run, deferred: run, exclusive: run });
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    worker()({ op: 'close', id: this.id });
  }
}
