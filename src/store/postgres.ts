/**
 * A PostgreSQL run database (`store: postgres://...`), shared by a team, behind the same
 * synchronous connection as SQLite (./connection.ts). Statements arrive already compiled for
 * PostgreSQL by the query layer (./sql.ts); nothing is rewritten here. Calls go through a worker
 * thread (pg-worker.ts) and block until PostgreSQL answers.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSyncFn } from 'synckit';
import { bindValue, type Connection } from './connection.js';
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

function normalise(v: unknown): unknown {
  const b = bindValue(v);
  return typeof b === 'bigint' ? Number(b) : b;
}

export class PgConnection implements Connection {
  readonly dialect = 'postgres' as const;
  open = true;
  private readonly id: number;
  private depth = 0;

  constructor(readonly url: string) {
    this.id = worker()({ op: 'connect', url }).id!;
  }

  private query(sql: string, params: readonly unknown[] = []): PgAnswer {
    return worker()({ op: 'query', id: this.id, sql, params: params.map(normalise) });
  }

  all(sql: string, params: readonly unknown[]): Array<Record<string, unknown>> {
    return this.query(sql, params).rows ?? [];
  }

  iterate(sql: string, params: readonly unknown[]): IterableIterator<Record<string, unknown>> {
    return this.all(sql, params)[Symbol.iterator]();
  }

  run(sql: string, params: readonly unknown[]): number {
    return this.query(sql, params).rowCount ?? 0;
  }

  exec(sql: string): void {
    this.query(sql);
  }

  /** BEGIN/COMMIT, nested calls as savepoints (as better-sqlite3's transaction does). */
  transaction<T>(fn: () => T): T {
    const sp = `sp${this.depth}`;
    this.query(this.depth === 0 ? 'BEGIN' : `SAVEPOINT ${sp}`);
    this.depth++;
    try {
      const r = fn();
      this.depth--;
      this.query(this.depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${sp}`);
      return r;
    } catch (e) {
      this.depth--;
      this.query(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${sp}`);
      throw e;
    }
  }

  hasTable(name: string): boolean {
    return this.all(`SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`, [name]).length > 0;
  }

  /** Serialise a critical section across processes and machines for the current transaction. */
  advisoryLock(key: number): void {
    this.query('SELECT pg_advisory_xact_lock($1)', [key]);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    worker()({ op: 'close', id: this.id });
  }
}
