/**
 * A synchronous connection to the run database, as compiled statements need it: SQLite through
 * better-sqlite3 (prepared statements cached by their text), PostgreSQL through ./postgres.ts.
 * Private to the store: the layers above reach the database through RunStore and `TableDb`.
 */
import Database from 'better-sqlite3';

/** The SQL dialects a run database speaks. */
export type Dialect = 'sqlite' | 'postgres';

export interface Connection {
  readonly dialect: Dialect;
  readonly open: boolean;
  all(sql: string, params: readonly unknown[]): Array<Record<string, unknown>>;
  iterate(sql: string, params: readonly unknown[]): IterableIterator<Record<string, unknown>>;
  /** Run a statement; the number of rows it changed. */
  run(sql: string, params: readonly unknown[]): number;
  /** Statements without parameters, several separated by semicolons (DDL). */
  exec(sql: string): void;
  /** `fn` in a transaction; nested calls are savepoints. `immediate` takes the write lock at once (SQLite). */
  transaction<T>(fn: () => T, immediate?: boolean): T;
  hasTable(name: string): boolean;
  close(): void;
}

/** Values as the drivers take them: booleans as 0/1 (SQLite has no boolean), undefined as NULL. */
export function bindValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

export class SqliteConnection implements Connection {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  get open(): boolean {
    return this.db.open;
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  all(sql: string, params: readonly unknown[]): Array<Record<string, unknown>> {
    const s = this.statement(sql);
    const args = params.map(bindValue);
    if (s.reader) return s.all(...args) as Array<Record<string, unknown>>;
    s.run(...args);
    return [];
  }

  iterate(sql: string, params: readonly unknown[]): IterableIterator<Record<string, unknown>> {
    return this.statement(sql).iterate(...params.map(bindValue)) as IterableIterator<Record<string, unknown>>;
  }

  run(sql: string, params: readonly unknown[]): number {
    return this.statement(sql).run(...params.map(bindValue)).changes;
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  transaction<T>(fn: () => T, immediate = false): T {
    const tx = this.db.transaction(fn);
    return immediate ? tx.immediate() : tx();
  }

  hasTable(name: string): boolean {
    return this.statement(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
