/**
 * The run database: one SQLite file per run (`runs/<name>/run.db`), or a PostgreSQL database shared
 * by a team, that every stage reads from and writes to, so any stage can be re-run alone, a killed
 * run resumes, and a finished run is portable.
 *
 * The store owns its connection (private) and the core tables (./tables.ts: meta, models, the
 * request cache, stage runs). Modules that own tables declare them in their `tables.ts` files and
 * reach them through `tables()`, a typed query builder in the store's dialect (./sql.ts).
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { redactSecrets, redactUrlPassword, registerUrlSecret } from '../core/secrets.js';
import { SqliteConnection, type Connection } from './connection.js';
import { PgConnection } from './postgres.js';
import { currentProcess, holderState, type ProcessIdentity } from './process-identity.js';
import { sql, SQL_TYPES, TableDb, type Ddl, type Prepared } from './sql.js';
import { CORE_SCHEMA, type CoreTables } from './tables.js';

export function isPostgresUrl(path: string): boolean {
  return /^postgres(ql)?:\/\//i.test(path);
}

/** A PostgreSQL URL fit for messages and reports: the password never shows. */
export function redactUrl(url: string): string {
  return redactUrlPassword(url);
}

/** The tables every run database has; a SQLite file with other tables and not these is someone else's. */
const RUN_DATABASE_TABLES = ['meta', 'requests'];

/** A driver's error on opening or first reading a file, as one line naming the file. */
function openError(path: string, e: unknown): InputError {
  if (e instanceof InputError) return e;
  const err = e as { code?: string; message?: string };
  if (err.code === 'SQLITE_NOTADB' || /not a database/i.test(err.message ?? '')) return new InputError(`${path}: not a SQLite database (so not a ValueLex run database)`);
  if (err.code === 'SQLITE_CANTOPEN') return new InputError(`${path}: cannot open the run database (${existsSync(path) ? 'permission denied or a directory' : 'no such file'})`);
  return new InputError(`${path}: cannot open the run database (${redactSecrets(String(err.message ?? e))})`);
}

/** Options of `acquireRunLock`. */
export interface RunLockOptions {
  /**
   * Take the lock even when its holder may still run (it is on another machine or container,
   * where it cannot be checked). Two runners on one database mix their results: only for a lock
   * known to be stale.
   */
  breakLock?: boolean;
  /** Where notes go (a stale lock taken over, a lock broken). */
  log?: (message: string) => void;
}

export interface StoredResponse {
  key: string;
  text: string;
  finish_reason: string | null;
  model_version: string | null;
  input_tokens: number;
  output_tokens: number;
}

export interface ResponseRow {
  key: string;
  stage: string;
  model_name: string;
  provider: string;
  model: string;
  /** The request as sent (messages, params): never contains credentials. */
  request: unknown;
  text: string;
  finish_reason?: string | undefined;
  model_version?: string | undefined;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  attempts: number;
}

export interface ModelRow {
  name: string;
  provider: string;
  model: string;
  kind: string;
  base_url?: string | undefined;
  tags: Record<string, string | number | boolean>;
  simulated: boolean;
  config: Record<string, unknown>;
}

/** Why a model is labelled simulated (provenance shown in reports). */
export interface SimulationEvidence {
  /** `provider`: the in-process simulator; `server`: its server sent `x-valuelex-simulated: true`. */
  source: 'provider' | 'server';
  detail: string;
  /** When this run database first saw it (ISO 8601). */
  first_seen: string;
}

const SIMULATION_EVIDENCE = 'simulation_evidence';

export interface CostSummary {
  model: string;
  requests: number;
  /** Requests whose stored answer was used again instead of a new call (each counted once). */
  cached: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/** One run of a stage, as recorded (provenance for reports). */
export interface StageRunRow {
  stage: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  config: string;
}

export interface OpenStoreOptions {
  /**
   * Open for reading only: the file must be a run database, and nothing in it changes (no tables
   * created, the journal mode left as it is). Reports, the viewer and `lexicon` open this way.
   */
  readonly?: boolean;
  /** Milliseconds to wait for another process's write lock before giving up. */
  busyTimeoutMs?: number;
}

interface PutRecord {
  key: string;
  stage: string;
  model_name: string;
  provider: string;
  model: string;
  request: string;
  text: string;
  finish_reason: string | null;
  model_version: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  attempts: number;
}

type ErrorRecord = Pick<PutRecord, 'key' | 'stage' | 'model_name' | 'provider' | 'model' | 'request' | 'attempts'> & { error: string };

/** The most answers buffered for one commit (see putResponse). */
const PENDING_LIMIT = 256;

/** Advisory lock keys (PostgreSQL): schema creation, the run lock. */
const SCHEMA_LOCK = 7236150;
const RUN_LOCK = 7236151;

export class RunStore {
  readonly #conn: Connection;
  readonly #core: TableDb<CoreTables>;
  /** The database file, or its PostgreSQL URL with any password masked. */
  readonly path: string;
  /** The folder where stages write files beside the database (lexicon.csv, taxonomy.yaml). */
  readonly dir: string;

  readonly #getResponse: Prepared<{ key: string }, StoredResponse>;
  readonly #putResponse: Prepared<PutRecord, unknown>;
  readonly #putError: Prepared<ErrorRecord, unknown>;
  readonly #countHit: Prepared<{ key: string; stage: string; model_name: string }, unknown>;
  /** Answers received in this event-loop turn, written together in one transaction. */
  #pending: PutRecord[] = [];
  /** Answers reused from the cache in this event-loop turn, recorded with the pending answers. */
  #pendingReuse: Array<{ key: string; stage: string; model_name: string }> = [];
  readonly #pendingKeys = new Map<string, StoredResponse>();
  #flushScheduled = false;
  readonly #flushPending: () => void;

  private constructor(conn: Connection, path: string, dir: string) {
    this.#conn = conn;
    this.path = path;
    this.dir = dir;
    // The store's own statements do not flush (they are what flushing runs).
    this.#core = new TableDb<CoreTables>(conn, () => {}, (name, version, ddl) => this.ensureSchema(name, version, ddl));
    const core = this.#core;
    const q = core.q;
    this.#getResponse = core.prepare<{ key: string }, StoredResponse>((p) =>
      q
        .selectFrom('requests')
        .select(['key', 'text', 'finish_reason', 'model_version', 'input_tokens', 'output_tokens'])
        .where('key', '=', p('key'))
        .where('status', '=', 'ok') as never,
    );
    this.#putResponse = core.prepare<PutRecord>((p) =>
      q
        .insertInto('requests')
        .values({
          key: p('key'),
          stage: p('stage'),
          model_name: p('model_name'),
          provider: p('provider'),
          model: p('model'),
          request: p('request'),
          status: 'ok',
          text: p('text'),
          finish_reason: p('finish_reason'),
          model_version: p('model_version'),
          input_tokens: p('input_tokens'),
          output_tokens: p('output_tokens'),
          cost_usd: p('cost_usd'),
          latency_ms: p('latency_ms'),
          attempts: p('attempts'),
          error: null,
        })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet((eb) => ({
              status: 'ok',
              text: eb.ref('excluded.text'),
              finish_reason: eb.ref('excluded.finish_reason'),
              model_version: eb.ref('excluded.model_version'),
              input_tokens: eb.ref('excluded.input_tokens'),
              output_tokens: eb.ref('excluded.output_tokens'),
              cost_usd: eb.ref('excluded.cost_usd'),
              latency_ms: eb.ref('excluded.latency_ms'),
              attempts: sql<number>`requests.attempts + excluded.attempts`,
              error: null,
            }))
            .where('requests.status', '<>', 'ok'),
        ),
    );
    this.#putError = core.prepare<ErrorRecord>((p) =>
      q
        .insertInto('requests')
        .values({ key: p('key'), stage: p('stage'), model_name: p('model_name'), provider: p('provider'), model: p('model'), request: p('request'), status: 'error', attempts: p('attempts'), error: p('error') })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet((eb) => ({ attempts: sql<number>`requests.attempts + excluded.attempts`, error: eb.ref('excluded.error') }))
            .where('requests.status', '<>', 'ok'),
        ),
    );
    this.#countHit = core.prepare<{ key: string; stage: string; model_name: string }>((p) =>
      q
        .insertInto('cache_reuse')
        .values({ key: p('key'), stage: p('stage'), model_name: p('model_name') })
        .onConflict((oc) => oc.column('key').doNothing()),
    );
    this.#flushPending = () => {
      this.#flushScheduled = false;
      if ((this.#pending.length === 0 && this.#pendingReuse.length === 0) || !this.#conn.open) return;
      const rows = this.#pending;
      const reused = this.#pendingReuse;
      this.#pending = [];
      this.#pendingReuse = [];
      this.#conn.transaction(() => {
        for (const r of rows) this.#putResponse.run(r);
        for (const r of reused) this.#countHit.run(r);
      });
      this.#pendingKeys.clear();
    };
  }

  /**
   * A run database on PostgreSQL (`postgres://user@host:port/db`), shared by a team: the same
   * tables, written through the same statements compiled for PostgreSQL. Files a stage writes
   * beside the database go to `runs/<database name>/` under the working directory.
   */
  private static openPostgres(url: string, options: OpenStoreOptions): RunStore {
    // A password in the URL is a secret like an API key: masked wherever text is redacted.
    registerUrlSecret(url);
    let conn: PgConnection;
    try {
      conn = new PgConnection(url);
    } catch (e) {
      throw new InputError(`${redactUrl(url)}: cannot connect to PostgreSQL (${redactSecrets((e as Error).message)})`);
    }
    try {
      if (!options.readonly) {
        // One schema creation at a time when several team members open the database together.
        conn.transaction(() => {
          conn.advisoryLock(SCHEMA_LOCK);
          conn.exec(CORE_SCHEMA(SQL_TYPES.postgres));
        });
      } else if (!conn.hasTable('requests')) {
        throw new InputError(`${redactUrl(url)}: not a ValueLex run database (no requests table)`);
      }
    } catch (e) {
      conn.close();
      if (e instanceof InputError) throw e;
      throw new InputError(`${redactUrl(url)}: ${redactSecrets((e as Error).message)}`);
    }
    const name = new URL(url).pathname.replace(/^\//, '') || 'postgres';
    return new RunStore(conn, redactUrl(url), resolve('runs', name));
  }

  /** Open (creating if needed) a run database: a SQLite file, `:memory:`, or a `postgres://` URL. */
  static open(path: string, options: OpenStoreOptions = {}): RunStore {
    if (isPostgresUrl(path)) return RunStore.openPostgres(path, options);
    const full = path === ':memory:' ? path : resolve(path);
    if (full !== ':memory:') {
      if (options.readonly && !existsSync(full)) throw new InputError(`${path}: no such run database`);
      if (existsSync(full) && statSync(full).isDirectory()) throw new InputError(`${path}: is a directory, not a run database`);
      if (!options.readonly) mkdirSync(dirname(full), { recursive: true });
    }
    let db: Database.Database;
    try {
      db = new Database(full, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (e) {
      throw openError(path, e);
    }
    const conn = new SqliteConnection(db);
    try {
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
      // Before anything is written: a file that is another program's database is left untouched.
      const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((t) => t.name);
      const missing = RUN_DATABASE_TABLES.filter((t) => !tables.includes(t));
      if (missing.length > 0 && (options.readonly || tables.length > 0)) {
        const holds = tables.length > 0 ? `it holds ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}, not ${missing.join(' and ')}` : 'it holds no tables';
        throw new InputError(`${path}: not a ValueLex run database (${holds}); ${options.readonly ? 'nothing was changed' : 'refusing to change it'}`);
      }
      if (!options.readonly) {
        // WAL lets readers (the viewer, a report) work while a run writes, and makes each committed
        // row durable against a killed process.
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        conn.exec(CORE_SCHEMA(SQL_TYPES.sqlite));
      }
    } catch (e) {
      conn.close();
      throw openError(path, e);
    }
    return new RunStore(conn, full, full === ':memory:' ? resolve('.') : dirname(full));
  }

  /**
   * Typed access for a module's own tables (its `tables.ts`): a query builder in this store's
   * dialect and the executor. Reading through it first commits answers still buffered from this
   * event-loop turn.
   */
  tables<DB>(): TableDb<DB> {
    return new TableDb<DB>(this.#conn, () => this.flush(), (name, version, ddl) => this.ensureSchema(name, version, ddl));
  }

  close(): void {
    this.flush();
    if (this.#conn.open) this.#conn.close();
  }

  /** Write answers received so far (normally done automatically at the end of the event-loop turn). */
  flush(): void {
    this.#flushPending();
  }

  /**
   * Create a table set. `ddl` must be idempotent (CREATE ... IF NOT EXISTS); the version is
   * recorded so a later build can migrate.
   */
  ensureSchema(name: string, version: number, ddl: Ddl): void {
    this.flush();
    const q = this.#core.q;
    const row = this.#core.get(q.selectFrom('schema_versions').select('version').where('name', '=', name));
    if (row && row.version > version) {
      throw new InputError(
        `${this.path}: table set "${name}" has schema version ${row.version}, newer than this build's ${version}; upgrade valuelex`,
      );
    }
    if (row && row.version === version) return;
    this.#conn.transaction(() => {
      this.#conn.exec(ddl(SQL_TYPES[this.#conn.dialect]));
      this.#core.run(
        q
          .insertInto('schema_versions')
          .values({ name, version })
          .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ version: eb.ref('excluded.version') }))),
      );
    });
  }

  getMeta(key: string): string | undefined {
    this.flush();
    return this.#core.get(this.#core.q.selectFrom('meta').select('value').where('key', '=', key))?.value;
  }

  setMeta(key: string, value: string): void {
    this.flush();
    this.#core.run(
      this.#core.q
        .insertInto('meta')
        .values({ key, value: redactSecrets(value) })
        .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') }))),
    );
  }

  getMetaJson<T>(key: string): T | undefined {
    const v = this.getMeta(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  setMetaJson(key: string, value: unknown): void {
    this.setMeta(key, JSON.stringify(value));
  }

  upsertModel(m: ModelRow): void {
    this.flush();
    this.#core.run(
      this.#core.q
        .insertInto('models')
        .values({
          name: m.name,
          provider: m.provider,
          model: m.model,
          kind: m.kind,
          base_url: m.base_url ?? null,
          tags: JSON.stringify(m.tags),
          simulated: m.simulated ? 1 : 0,
          config: redactSecrets(JSON.stringify(m.config)),
        })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet((eb) => ({
            provider: eb.ref('excluded.provider'),
            model: eb.ref('excluded.model'),
            kind: eb.ref('excluded.kind'),
            base_url: eb.ref('excluded.base_url'),
            tags: eb.ref('excluded.tags'),
            // Sticky: a model once seen simulated stays labelled (its stored answers are synthetic).
            simulated: eb.case().when('models.simulated', '=', 1).then(1).else(eb.ref('excluded.simulated')).end(),
            config: eb.ref('excluded.config'),
          })),
        ),
    );
  }

  /**
   * Label a model simulated, with the evidence (kept from the first time it was seen): its
   * provider is the simulator, or its server declared an answer simulated. Never undone.
   */
  markModelSimulated(name: string, evidence: { source: 'provider' | 'server'; detail: string }): void {
    this.flush();
    this.#core.run(this.#core.q.updateTable('models').set({ simulated: 1 }).where('name', '=', name));
    const all = this.simulationEvidence();
    if (all[name]) return;
    all[name] = { source: evidence.source, detail: redactSecrets(evidence.detail), first_seen: new Date().toISOString() };
    this.setMetaJson(SIMULATION_EVIDENCE, all);
  }

  /** Why each simulated model is labelled so: model name -> evidence (see markModelSimulated). */
  simulationEvidence(): Record<string, SimulationEvidence> {
    return this.getMetaJson<Record<string, SimulationEvidence>>(SIMULATION_EVIDENCE) ?? {};
  }

  /** The models of the run, in the order they were first registered. */
  listModels(): ModelRow[] {
    this.flush();
    const order = SQL_TYPES[this.#conn.dialect].insertionOrder;
    const rows = this.#core.all(this.#core.q.selectFrom('models').selectAll().orderBy(sql.raw(order)));
    return rows.map((r) => ({
      name: r.name,
      provider: r.provider,
      model: r.model,
      kind: r.kind,
      base_url: r.base_url ?? undefined,
      tags: JSON.parse(r.tags) as ModelRow['tags'],
      simulated: r.simulated === 1,
      config: JSON.parse(r.config) as Record<string, unknown>,
    }));
  }

  /** A stored successful response, if this exact request was answered before. */
  getResponse(key: string): StoredResponse | undefined {
    return this.#pendingKeys.get(key) ?? this.#getResponse.get({ key });
  }

  /**
   * Store an answer. Answers arriving in the same event-loop turn are committed together in one
   * transaction at the end of the turn (setImmediate): a killed process loses at most that turn's
   * answers, which were never reported as stored and are simply asked again on resume.
   */
  putResponse(row: ResponseRow): void {
    this.#pending.push({
      key: row.key,
      stage: row.stage,
      model_name: row.model_name,
      provider: row.provider,
      model: row.model,
      request: redactSecrets(JSON.stringify(row.request)),
      text: row.text,
      finish_reason: row.finish_reason ?? null,
      model_version: row.model_version ?? null,
      input_tokens: row.input_tokens,
      output_tokens: row.output_tokens,
      cost_usd: row.cost_usd,
      latency_ms: row.latency_ms,
      attempts: row.attempts,
    });
    this.#pendingKeys.set(row.key, {
      key: row.key,
      text: row.text,
      finish_reason: row.finish_reason ?? null,
      model_version: row.model_version ?? null,
      input_tokens: row.input_tokens,
      output_tokens: row.output_tokens,
    });
    // Answers that keep arriving without the event loop turning (an in-process model answers in
    // microtasks) are committed every PENDING_LIMIT, so memory and what a kill can lose stay bounded.
    if (this.#pending.length >= PENDING_LIMIT) this.#flushPending();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushPending);
    }
  }

  /** Record a request that failed after all retries; it will be tried again on resume. */
  putError(row: Omit<ResponseRow, 'text' | 'input_tokens' | 'output_tokens' | 'cost_usd' | 'latency_ms'> & { error: string }): void {
    this.flush();
    this.#putError.run({
      key: row.key,
      stage: row.stage,
      model_name: row.model_name,
      provider: row.provider,
      model: row.model,
      request: redactSecrets(JSON.stringify(row.request)),
      attempts: row.attempts,
      error: redactSecrets(row.error),
    });
  }

  /** Record that the stored answer of `key` was used instead of a new call (counted once per request). */
  countCacheHit(stage: string, modelName: string, key: string): void {
    // Written with the turn's answers, in one transaction (a resumed run reuses thousands at once).
    this.#pendingReuse.push({ key, stage, model_name: modelName });
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushPending);
    }
  }

  /** Requests (sent and from the cache), errors, tokens and cost per model. */
  costSummary(): CostSummary[] {
    this.flush();
    return this.#core.all(
      sql<CostSummary>`SELECT m.name AS model,
           COALESCE(SUM(CASE WHEN r.status='ok' THEN 1 ELSE 0 END), 0) AS requests,
           COALESCE((SELECT COUNT(*) FROM cache_reuse h WHERE h.model_name = m.name), 0) AS cached,
           COALESCE(SUM(CASE WHEN r.status='error' THEN 1 ELSE 0 END), 0) AS errors,
           COALESCE(SUM(r.input_tokens), 0) AS input_tokens,
           COALESCE(SUM(r.output_tokens), 0) AS output_tokens,
           COALESCE(SUM(r.cost_usd), 0) AS cost_usd
         FROM (SELECT name FROM models UNION SELECT DISTINCT model_name FROM requests) m
         LEFT JOIN requests r ON r.model_name = m.name
         GROUP BY m.name ORDER BY m.name`,
    );
  }

  startStage(stage: string, config: unknown): number {
    this.flush();
    const row = this.#core.get(
      this.#core.q
        .insertInto('stage_runs')
        .values({ stage, status: 'running', config: redactSecrets(JSON.stringify(config ?? {})) })
        .returning('id'),
    );
    return Number(row!.id);
  }

  finishStage(id: number, summary: unknown): void {
    this.flush();
    this.#core.run(
      this.#core.q
        .updateTable('stage_runs')
        .set({ status: 'done', finished_at: sql.raw<string>(SQL_TYPES[this.#conn.dialect].now), summary: redactSecrets(JSON.stringify(summary ?? {})) })
        .where('id', '=', id),
    );
  }

  failStage(id: number, error: string): void {
    this.flush();
    this.#core.run(
      this.#core.q
        .updateTable('stage_runs')
        .set({ status: 'failed', finished_at: sql.raw<string>(SQL_TYPES[this.#conn.dialect].now), error: redactSecrets(error) })
        .where('id', '=', id),
    );
  }

  /** The last finished run of a stage, if any. */
  lastStage(stage: string): { id: number; status: string; summary: unknown; finished_at: string | null } | undefined {
    this.flush();
    const row = this.#core.get(
      this.#core.q.selectFrom('stage_runs').select(['id', 'status', 'summary', 'finished_at']).where('stage', '=', stage).orderBy('id', 'desc').limit(1),
    );
    return row ? { ...row, id: Number(row.id), summary: row.summary ? (JSON.parse(row.summary) as unknown) : undefined } : undefined;
  }

  /** Every stage run, in order, with the configuration it ran with. */
  stageRuns(): StageRunRow[] {
    this.flush();
    return this.#core.all(this.#core.q.selectFrom('stage_runs').select(['stage', 'status', 'started_at', 'finished_at', 'config']).orderBy('id'));
  }

  /**
   * Take the run lock: one process runs stages on a run database at a time (readers such as the
   * report and the viewer need no lock). The lock records who holds it (./process-identity.ts). A
   * live holder makes the second process refuse with a message naming it. A stale lock (its
   * process gone, its PID reused by another process, the machine restarted) is taken over. A lock
   * from another machine or container cannot be checked from here: it is refused unless
   * `breakLock`, which takes it with a warning. Stage runs a killed process left `running` are
   * marked `interrupted` once the lock is held.
   */
  acquireRunLock(purpose: string, options: RunLockOptions = {}): () => void {
    const me = { ...currentProcess(), purpose, since: new Date().toISOString() };
    const conn = this.#conn;
    const q = this.#core.q;
    const log = options.log ?? (() => {});
    conn.transaction(() => {
      // PostgreSQL: serialise lock takers across processes and machines for this transaction.
      if (conn instanceof PgConnection) conn.advisoryLock(RUN_LOCK);
      const row = this.#core.get(q.selectFrom('meta').select('value').where('key', '=', 'run_lock'));
      if (row) {
        let holder: ProcessIdentity & { purpose?: string; since?: string };
        try {
          holder = JSON.parse(row.value) as typeof holder;
        } catch {
          holder = { pid: -1, host: 'unknown' };
        }
        const who = `pid ${holder.pid} on ${holder.host}, ${holder.purpose ?? 'run'} since ${holder.since ?? 'an unknown time'}`;
        const state = typeof holder.pid === 'number' && holder.pid > 0 ? holderState(holder, me) : ({ state: 'unknown', why: 'the lock record is unreadable' } as const);
        if (state.state === 'alive' && !state.self) {
          if (!options.breakLock) {
            throw new InputError(`${this.path}: in use by another valuelex process (${who}); wait for it or stop it, then re-run with --resume`);
          }
          log(`warning: breaking the run lock of a RUNNING valuelex process (${who}): both processes now write to ${this.path}, and their results can mix`);
        } else if (state.state === 'unknown') {
          if (!options.breakLock) {
            throw new InputError(
              `${this.path}: locked by ${who}, which cannot be checked from here (${state.why}); if no valuelex process runs there any more, re-run with --break-lock`,
            );
          }
          log(`warning: breaking the run lock of ${who} (${state.why}); if that process still runs, both write to ${this.path} and their results can mix`);
        } else if (state.state === 'gone') {
          log(`taking over a stale run lock (${who}): ${state.why}`);
        }
      }
      this.#core.run(q.insertInto('meta').values({ key: 'run_lock', value: JSON.stringify(me) }).onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') }))));
    }, true);
    this.markInterruptedStages();
    return () => {
      if (!conn.open) return;
      this.flush();
      this.#core.run(q.deleteFrom('meta').where('key', '=', 'run_lock').where('value', '=', JSON.stringify(me)));
    };
  }

  /**
   * Stage runs still `running` while this process holds the run lock were left so by a process
   * that was killed: mark them `interrupted` (a database made before that status existed takes
   * `failed`), so provenance never shows a stage as running that is not.
   */
  private markInterruptedStages(): void {
    const now = sql.raw<string>(SQL_TYPES[this.#conn.dialect].now);
    const mark = (status: 'interrupted' | 'failed'): number =>
      this.#core.run(
        this.#core.q
          .updateTable('stage_runs')
          .set({ status, finished_at: now, error: 'interrupted: the process running it stopped before the stage finished (killed?)' })
          .where('status', '=', 'running'),
      );
    try {
      mark('interrupted');
    } catch (e) {
      if (!/check/i.test((e as Error).message)) throw e;
      mark('failed');
    }
  }

  hasTable(name: string): boolean {
    this.flush();
    return this.#conn.hasTable(name);
  }
}

