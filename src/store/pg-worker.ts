/**
 * The PostgreSQL side of the run store, in a worker thread: the store's API is synchronous (as
 * better-sqlite3's is), so the main thread calls this worker through synckit, which blocks on
 * Atomics.wait until the pure-JS `pg` client answers. One client per opened store keeps each
 * store's statements, transactions included, on one connection and in order.
 */
import pg from 'pg';
import { runAsWorker } from 'synckit';

// COUNT(*) and SUM() come back as int8/numeric; the store expects JS numbers, as SQLite gives.
pg.types.setTypeParser(20, (v: string) => Number(v));
pg.types.setTypeParser(1700, (v: string) => Number(v));

const clients = new Map<number, pg.Client>();
let nextId = 1;

export type PgRequest =
  | { op: 'connect'; url: string }
  | { op: 'query'; id: number; sql: string; params: unknown[] }
  | { op: 'close'; id: number };

export interface PgAnswer {
  id?: number;
  rows?: Array<Record<string, unknown>>;
  rowCount?: number;
}

runAsWorker(async (req: PgRequest): Promise<PgAnswer> => {
  if (req.op === 'connect') {
    const client = new pg.Client({ connectionString: req.url, application_name: 'valuelex' });
    await client.connect();
    const id = nextId++;
    clients.set(id, client);
    return { id };
  }
  const client = clients.get(req.id);
  if (!client) throw new Error('postgres: connection is closed');
  if (req.op === 'close') {
    clients.delete(req.id);
    await client.end();
    return {};
  }
  // Buffers travel as Uint8Array through the worker boundary; pg wants Buffers for bytea.
  const params = req.params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p));
  const res = params.length > 0 ? await client.query(req.sql, params) : await client.query(req.sql);
  const last = Array.isArray(res) ? res[res.length - 1] : res;
  return { rows: (last?.rows ?? []) as Array<Record<string, unknown>>, rowCount: last?.rowCount ?? 0 };
});
