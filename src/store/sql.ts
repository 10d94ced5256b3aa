/**
 * The query layer of the run database. Statements are built with Kysely used as a compile-only
 * query builder (its "splitting build and execution" recipe: a DummyDriver, the SQLite or
 * PostgreSQL adapter and query compiler), so each statement is written once and compiled to the
 * store's own dialect: placeholders, identifier quoting and `RETURNING` come from the compiler, not
 * from rewriting SQL text. Execution is synchronous, through better-sqlite3 or the PostgreSQL
 * worker (./connection.ts). What differs between the dialects beyond that (column types in DDL,
 * the current timestamp, the physical row order) is chosen per dialect from `SqlTypes`, never
 * translated.
 *
 * Only src/store and the `tables.ts` files of the layers above use this module: they are the only
 * places SQL is written.
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
  type Compilable,
  type CompiledQuery,
  type RawBuilder,
} from 'kysely';
import type { Connection, Dialect } from './connection.js';

export { sql };
export type { Generated, Insertable, Selectable } from 'kysely';

export type { Dialect };

/** The pieces of DDL and SQL that are written differently per dialect. */
export interface SqlTypes {
  /** A double-precision float column. */
  real: string;
  /** A byte-string column. */
  blob: string;
  /** An auto-numbered integer primary key column (type and constraint). */
  serialPrimaryKey: string;
  /** The current UTC time as an ISO 8601 text with milliseconds, e.g. 2024-05-01T12:00:00.123Z. */
  now: string;
  /** A column that orders rows as they were first inserted (for tables without a sequence column). */
  insertionOrder: string;
}

export const SQL_TYPES: Readonly<Record<Dialect, SqlTypes>> = {
  sqlite: {
    real: 'REAL',
    blob: 'BLOB',
    serialPrimaryKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
    now: `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
    insertionOrder: 'rowid',
  },
  postgres: {
    real: 'DOUBLE PRECISION',
    blob: 'BYTEA',
    serialPrimaryKey: 'BIGSERIAL PRIMARY KEY',
    now: `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    // Rows are upserted in configuration order on every run, so the physical order of their
    // latest versions follows it.
    insertionOrder: 'ctid',
  },
};

/** A table set's DDL: idempotent statements (CREATE ... IF NOT EXISTS), written with the dialect's types. */
export type Ddl = (t: SqlTypes) => string;

const builders = new Map<Dialect, Kysely<unknown>>();

/** The compile-only query builder of a dialect (one per process and dialect). */
export function queryBuilder<DB>(dialect: Dialect): Kysely<DB> {
  let b = builders.get(dialect);
  if (!b) {
    b =
      dialect === 'sqlite'
        ? new Kysely<unknown>({
            dialect: {
              createAdapter: () => new SqliteAdapter(),
              createDriver: () => new DummyDriver(),
              createIntrospector: (db) => new SqliteIntrospector(db),
              createQueryCompiler: () => new SqliteQueryCompiler(),
            },
          })
        : new Kysely<unknown>({
            dialect: {
              createAdapter: () => new PostgresAdapter(),
              createDriver: () => new DummyDriver(),
              createIntrospector: (db) => new PostgresIntrospector(db),
              createQueryCompiler: () => new PostgresQueryCompiler(),
            },
          });
    builders.set(dialect, b);
  }
  return b as Kysely<DB>;
}

/** Anything that compiles to one statement: a query builder chain or a `sql` template. */
export type Statement<O> = Compilable<O> | RawBuilder<O>;

const PARAM = Symbol('valuelex.sql.param');
interface ParamRef {
  readonly [PARAM]: string;
}
const isParam = (v: unknown): v is ParamRef => typeof v === 'object' && v !== null && PARAM in v;

/** A placeholder for a prepared statement's argument: `p('key')` stands for `args.key`. */
export type ParamFn<A> = <K extends keyof A & string>(name: K) => A[K];

/**
 * A statement compiled once and run many times with new arguments (hot paths: the request
 * cache, bulk inserts of a stage).
 */
export interface Prepared<A, O> {
  all(args: A): O[];
  get(args: A): O | undefined;
  run(args: A): number;
}

/**
 * Typed access to the run database for the modules that own tables: a query builder in the
 * store's dialect and the executor. Reads first commit answers the engine buffered in this
 * event-loop turn, so what a caller reads is never behind what it was told.
 */
export class TableDb<DB> {
  readonly q: Kysely<DB>;
  readonly types: SqlTypes;

  constructor(
    private readonly conn: Connection,
    private readonly beforeUse: () => void,
    private readonly schema: (name: string, version: number, ddl: Ddl) => void,
  ) {
    this.q = queryBuilder<DB>(conn.dialect);
    this.types = SQL_TYPES[conn.dialect];
  }

  get dialect(): Dialect {
    return this.conn.dialect;
  }

  private compile<O>(statement: Statement<O>): CompiledQuery<O> {
    return 'isRawBuilder' in statement ? statement.compile(this.q) : statement.compile();
  }

  all<O>(statement: Statement<O>): O[] {
    this.beforeUse();
    const c = this.compile(statement);
    return this.conn.all(c.sql, c.parameters) as O[];
  }

  get<O>(statement: Statement<O>): O | undefined {
    return this.all(statement)[0];
  }

  /** Rows one at a time where the driver streams them (SQLite), in memory otherwise. */
  iterate<O>(statement: Statement<O>): IterableIterator<O> {
    this.beforeUse();
    const c = this.compile(statement);
    return this.conn.iterate(c.sql, c.parameters) as IterableIterator<O>;
  }

  /** Run a statement that returns no rows; the number of rows it changed. */
  run(statement: Statement<unknown>): number {
    this.beforeUse();
    const c = this.compile(statement);
    return this.conn.run(c.sql, c.parameters);
  }

  /** `fn` in one transaction (nested calls are savepoints). */
  transaction<T>(fn: () => T): T {
    this.beforeUse();
    return this.conn.transaction(fn);
  }

  /** Create a table set (idempotent DDL) and record its version; see RunStore.ensureSchema. */
  ensureSchema(name: string, version: number, ddl: Ddl): void {
    this.schema(name, version, ddl);
  }

  hasTable(name: string): boolean {
    this.beforeUse();
    return this.conn.hasTable(name);
  }

  /** Compile `build(p)` once; each call binds `args` to the `p(...)` placeholders. */
  prepare<A, O = unknown>(build: (p: ParamFn<A>) => Statement<O>): Prepared<A, O> {
    const p = ((name: string) => ({ [PARAM]: name })) as unknown as ParamFn<A>;
    const c = this.compile(build(p));
    const slots: Array<{ name: string } | { value: unknown }> = c.parameters.map((v) => (isParam(v) ? { name: v[PARAM] } : { value: v }));
    const bind = (args: A): unknown[] => slots.map((s) => ('name' in s ? (args as Record<string, unknown>)[s.name] : s.value));
    return {
      all: (args) => {
        this.beforeUse();
        return this.conn.all(c.sql, bind(args)) as O[];
      },
      get: (args) => {
        this.beforeUse();
        return this.conn.all(c.sql, bind(args))[0] as O | undefined;
      },
      run: (args) => {
        this.beforeUse();
        return this.conn.run(c.sql, bind(args));
      },
    };
  }
}
