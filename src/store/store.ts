/**
 * The run database: one SQLite file per run (`runs/<name>/run.db`) that every stage reads from and
 * writes to, so any stage can be re-run alone, a killed run resumes, and a finished run is portable.
 *
 * The store owns the core tables (meta, models, requests, stage runs). Stages own their tables and
 * declare them through `ensureSchema(name, version, sql)`, which records versions in `schema_versions`.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { redactSecrets, registerSecret } from '../core/secrets.js';
import { PgDatabase } from './postgres.js';

export function isPostgresUrl(path: string): boolean {
  return /^postgres(ql)?:\/\//i.test(path);
}

/** A PostgreSQL URL fit for messages and reports: the password never shows. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

export type SqliteDatabase = Database.Database;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const CORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schema_versions (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS models (
  name TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  kind TEXT NOT NULL,
  base_url TEXT,
  tags TEXT NOT NULL DEFAULT '{}',
  simulated INTEGER NOT NULL DEFAULT 0,
  config TEXT NOT NULL DEFAULT '{}'
);
-- One row per distinct request (the cache). A row with status 'ok' is never sent again.
CREATE TABLE IF NOT EXISTS requests (
  key TEXT PRIMARY KEY,
  stage TEXT NOT NULL,
  model_name TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  request TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
  text TEXT,
  finish_reason TEXT,
  model_version TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  latency_ms REAL,
  attempts INTEGER NOT NULL DEFAULT 1,
  error TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS requests_stage_model ON requests(stage, model_name);
-- Counts of requests answered from the cache, per stage and model (for cost reports).
CREATE TABLE IF NOT EXISTS cache_hits (
  stage TEXT NOT NULL,
  model_name TEXT NOT NULL,
  hits INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (stage, model_name)
);
CREATE TABLE IF NOT EXISTS stage_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  stage TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  config TEXT NOT NULL DEFAULT '{}',
  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at TEXT,
  summary TEXT,
  error TEXT
);
`;

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

export interface CostSummary {
  model: string;
  requests: number;
  cached: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export interface OpenStoreOptions {
  readonly?: boolean;
  /** Milliseconds to wait for another process's write lock before giving up. */
  busyTimeoutMs?: number;
}

export class RunStore {
  private readonly sqlite: SqliteDatabase;
  /** The database file, or its PostgreSQL URL with any password masked. */
  readonly path: string;
  /** The folder where stages write files beside the database (lexicon.csv, taxonomy.yaml). */
  readonly dir: string;

  private readonly stmtGet: Database.Statement<[string], StoredResponse>;
  private readonly stmtPut: Database.Statement;
  private readonly stmtErr: Database.Statement;
  private readonly stmtHit: Database.Statement;
  /** Answers received in this event-loop turn, written together in one transaction. */
  private pending: Array<Record<string, unknown>> = [];
  private pendingKeys = new Map<string, StoredResponse>();
  private flushScheduled = false;
  private readonly flushPending: () => void;

  private constructor(db: SqliteDatabase, path: string, dir: string) {
    this.sqlite = db;
    this.path = path;
    this.dir = dir;
    this.stmtGet = db.prepare(
      `SELECT key, text, finish_reason, model_version, input_tokens, output_tokens
       FROM requests WHERE key = ? AND status = 'ok'`,
    );
    this.stmtPut = db.prepare(
      `INSERT INTO requests (key, stage, model_name, provider, model, request, status, text, finish_reason,
         model_version, input_tokens, output_tokens, cost_usd, latency_ms, attempts, error)
       VALUES (@key, @stage, @model_name, @provider, @model, @request, 'ok', @text, @finish_reason,
         @model_version, @input_tokens, @output_tokens, @cost_usd, @latency_ms, @attempts, NULL)
       ON CONFLICT(key) DO UPDATE SET status='ok', text=excluded.text, finish_reason=excluded.finish_reason,
         model_version=excluded.model_version, input_tokens=excluded.input_tokens,
         output_tokens=excluded.output_tokens, cost_usd=excluded.cost_usd, latency_ms=excluded.latency_ms,
         attempts=requests.attempts + excluded.attempts, error=NULL
       WHERE requests.status <> 'ok'`,
    );
    this.stmtErr = db.prepare(
      `INSERT INTO requests (key, stage, model_name, provider, model, request, status, attempts, error)
       VALUES (@key, @stage, @model_name, @provider, @model, @request, 'error', @attempts, @error)
       ON CONFLICT(key) DO UPDATE SET attempts = requests.attempts + excluded.attempts, error = excluded.error
       WHERE requests.status <> 'ok'`,
    );
    const writeBatch = db.transaction((rows: Array<Record<string, unknown>>) => {
      for (const r of rows) this.stmtPut.run(r);
    });
    this.flushPending = () => {
      this.flushScheduled = false;
      if (this.pending.length === 0 || !this.sqlite.open) return;
      const rows = this.pending;
      this.pending = [];
      writeBatch(rows);
      this.pendingKeys.clear();
    };
    this.stmtHit = db.prepare(
      `INSERT INTO cache_hits (stage, model_name, hits) VALUES (?, ?, 1)
       ON CONFLICT(stage, model_name) DO UPDATE SET hits = cache_hits.hits + 1`,
    );
  }

  /**
   * A run database on PostgreSQL (`postgres://user@host:port/db`), shared by a team: the same
   * tables, written through the same statements (translated in pg-database.ts). Files a stage
   * writes beside the database go to `runs/<database name>/` under the working directory.
   */
  private static openPostgres(url: string, options: OpenStoreOptions): RunStore {
    // A password in the URL is a secret like an API key: masked wherever text is redacted.
    const password = /^postgres(?:ql)?:\/\/[^:/@]*:([^@]*)@/i.exec(url)?.[1];
    if (password) {
      registerSecret(password);
      try {
        registerSecret(decodeURIComponent(password));
      } catch {
        // not percent-encoded
      }
    }
    let db: PgDatabase;
    try {
      db = new PgDatabase(url);
    } catch (e) {
      throw new InputError(`${redactUrl(url)}: cannot connect to PostgreSQL (${redactSecrets((e as Error).message)})`);
    }
    try {
      if (!options.readonly) {
        // One schema creation at a time when several team members open the database together.
        db.transaction(() => {
          db.query('SELECT pg_advisory_xact_lock(7236150)');
          db.exec(CORE_SCHEMA);
        })();
      } else if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name='requests'`).get()) {
        throw new InputError(`${redactUrl(url)}: not a ValueLex run database (no requests table)`);
      }
    } catch (e) {
      db.close();
      if (e instanceof InputError) throw e;
      throw new InputError(`${redactUrl(url)}: ${redactSecrets((e as Error).message)}`);
    }
    const name = new URL(url).pathname.replace(/^\//, '') || 'postgres';
    return new RunStore(db as unknown as SqliteDatabase, redactUrl(url), resolve('runs', name));
  }

  /** Open (creating if needed) a run database. */
  static open(path: string, options: OpenStoreOptions = {}): RunStore {
    if (isPostgresUrl(path)) return RunStore.openPostgres(path, options);
    const full = path === ':memory:' ? path : resolve(path);
    if (full !== ':memory:' && !options.readonly) mkdirSync(dirname(full), { recursive: true });
    let db: SqliteDatabase;
    try {
      db = new Database(full, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (e) {
      throw new InputError(`${path}: cannot open run database (${(e as Error).message})`);
    }
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    if (!options.readonly) {
      // WAL lets readers (the viewer, a report) work while a run writes, and makes each committed
      // row durable against a killed process.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.exec(CORE_SCHEMA);
    } else {
      const ok = db.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name='requests'`).get();
      if (!ok) {
        db.close();
        throw new InputError(`${path}: not a ValueLex run database (no requests table)`);
      }
    }
    return new RunStore(db, full, full === ':memory:' ? resolve('.') : dirname(full));
  }

  /**
   * The SQLite handle for stage tables. Reading through it first commits answers still buffered
   * from this event-loop turn, so what a caller reads is never behind what it was told.
   */
  get db(): SqliteDatabase {
    this.flushPending();
    return this.sqlite;
  }

  close(): void {
    this.flush();
    if (this.sqlite.open) this.sqlite.close();
  }

  /** Write answers received so far (normally done automatically at the end of the event-loop turn). */
  flush(): void {
    this.flushPending();
  }

  /**
   * Create a stage's tables. `sql` must be idempotent (CREATE ... IF NOT EXISTS); the version is
   * recorded so a later build can migrate.
   */
  ensureSchema(name: string, version: number, sql: string): void {
    const row = this.db.prepare('SELECT version FROM schema_versions WHERE name = ?').get(name) as
      | { version: number }
      | undefined;
    if (row && row.version > version) {
      throw new InputError(
        `${this.path}: table set "${name}" has schema version ${row.version}, newer than this build's ${version}; upgrade valuelex`,
      );
    }
    if (row && row.version === version) return;
    this.db.transaction(() => {
      this.db.exec(sql);
      this.db
        .prepare('INSERT INTO schema_versions (name, version) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version')
        .run(name, version);
    })();
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, redactSecrets(value));
  }

  getMetaJson<T>(key: string): T | undefined {
    const v = this.getMeta(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  setMetaJson(key: string, value: unknown): void {
    this.setMeta(key, JSON.stringify(value));
  }

  upsertModel(m: ModelRow): void {
    this.db
      .prepare(
        `INSERT INTO models (name, provider, model, kind, base_url, tags, simulated, config)
         VALUES (@name, @provider, @model, @kind, @base_url, @tags, @simulated, @config)
         ON CONFLICT(name) DO UPDATE SET provider=excluded.provider, model=excluded.model, kind=excluded.kind,
           base_url=excluded.base_url, tags=excluded.tags, simulated=excluded.simulated, config=excluded.config`,
      )
      .run({
        name: m.name,
        provider: m.provider,
        model: m.model,
        kind: m.kind,
        base_url: m.base_url ?? null,
        tags: JSON.stringify(m.tags),
        simulated: m.simulated ? 1 : 0,
        config: redactSecrets(JSON.stringify(m.config)),
      });
  }

  listModels(): ModelRow[] {
    const rows = this.db.prepare('SELECT * FROM models ORDER BY rowid').all() as Array<{
      name: string; provider: string; model: string; kind: string; base_url: string | null; tags: string; simulated: number; config: string;
    }>;
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
    return this.pendingKeys.get(key) ?? this.stmtGet.get(key);
  }

  /**
   * Store an answer. Answers arriving in the same event-loop turn are committed together in one
   * transaction at the end of the turn (setImmediate): a killed process loses at most that turn's
   * answers, which were never reported as stored and are simply asked again on resume.
   */
  putResponse(row: ResponseRow): void {
    const record = {
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
    };
    this.pending.push(record);
    this.pendingKeys.set(row.key, {
      key: row.key,
      text: row.text,
      finish_reason: row.finish_reason ?? null,
      model_version: row.model_version ?? null,
      input_tokens: row.input_tokens,
      output_tokens: row.output_tokens,
    });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushPending);
    }
  }

  /** Record a request that failed after all retries; it will be tried again on resume. */
  putError(row: Omit<ResponseRow, 'text' | 'input_tokens' | 'output_tokens' | 'cost_usd' | 'latency_ms'> & { error: string }): void {
    this.flush();
    this.stmtErr.run({
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

  countCacheHit(stage: string, modelName: string): void {
    this.stmtHit.run(stage, modelName);
  }

  costSummary(): CostSummary[] {
    this.flush();
    return this.db
      .prepare(
        `SELECT m.name AS model,
           COALESCE(SUM(CASE WHEN r.status='ok' THEN 1 ELSE 0 END), 0) AS requests,
           COALESCE((SELECT SUM(hits) FROM cache_hits h WHERE h.model_name = m.name), 0) AS cached,
           COALESCE(SUM(CASE WHEN r.status='error' THEN 1 ELSE 0 END), 0) AS errors,
           COALESCE(SUM(r.input_tokens), 0) AS input_tokens,
           COALESCE(SUM(r.output_tokens), 0) AS output_tokens,
           COALESCE(SUM(r.cost_usd), 0) AS cost_usd
         FROM (SELECT name FROM models UNION SELECT DISTINCT model_name FROM requests) m
         LEFT JOIN requests r ON r.model_name = m.name
         GROUP BY m.name ORDER BY m.name`,
      )
      .all() as CostSummary[];
  }

  startStage(stage: string, config: unknown): number {
    const info = this.db
      .prepare(`INSERT INTO stage_runs (stage, status, config) VALUES (?, 'running', ?)`)
      .run(stage, redactSecrets(JSON.stringify(config ?? {})));
    return Number(info.lastInsertRowid);
  }

  finishStage(id: number, summary: unknown): void {
    this.db
      .prepare(`UPDATE stage_runs SET status='done', finished_at=strftime('%Y-%m-%dT%H:%M:%fZ','now'), summary=? WHERE id=?`)
      .run(redactSecrets(JSON.stringify(summary ?? {})), id);
  }

  failStage(id: number, error: string): void {
    this.db
      .prepare(`UPDATE stage_runs SET status='failed', finished_at=strftime('%Y-%m-%dT%H:%M:%fZ','now'), error=? WHERE id=?`)
      .run(redactSecrets(error), id);
  }

  /** The last finished run of a stage, if any. */
  lastStage(stage: string): { id: number; status: string; summary: unknown; finished_at: string | null } | undefined {
    const row = this.db
      .prepare(`SELECT id, status, summary, finished_at FROM stage_runs WHERE stage = ? ORDER BY id DESC LIMIT 1`)
      .get(stage) as { id: number; status: string; summary: string | null; finished_at: string | null } | undefined;
    return row ? { ...row, summary: row.summary ? (JSON.parse(row.summary) as unknown) : undefined } : undefined;
  }

  /**
   * Take the run lock: one process runs stages on a run database at a time (readers such as the
   * report and the viewer need no lock). A lock left by a killed process on this host is taken
   * over; a live holder makes the second process refuse with a message naming it.
   */
  acquireRunLock(purpose: string): () => void {
    const me = { pid: process.pid, host: hostname(), purpose, since: new Date().toISOString() };
    const take = this.sqlite.transaction(() => {
      // PostgreSQL: serialise lock takers across processes and machines for this transaction.
      if (this.sqlite instanceof PgDatabase) this.sqlite.query('SELECT pg_advisory_xact_lock(7236151)');
      const row = this.sqlite.prepare(`SELECT value FROM meta WHERE key = 'run_lock'`).get() as { value: string } | undefined;
      if (row) {
        const holder = JSON.parse(row.value) as typeof me;
        const sameHost = holder.host === me.host;
        if (!(sameHost && holder.pid === me.pid) && (!sameHost || processAlive(holder.pid))) {
          throw new InputError(
            `${this.path}: in use by another valuelex process (pid ${holder.pid} on ${holder.host}, ${holder.purpose} since ${holder.since}); wait for it or stop it, then re-run with --resume`,
          );
        }
      }
      this.sqlite.prepare(`INSERT INTO meta (key, value) VALUES ('run_lock', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(JSON.stringify(me));
    });
    take.immediate();
    return () => {
      if (!this.sqlite.open) return;
      this.flush();
      this.sqlite.prepare(`DELETE FROM meta WHERE key = 'run_lock' AND value = ?`).run(JSON.stringify(me));
    };
  }

  hasTable(name: string): boolean {
    return this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name=?`).get(name) !== undefined;
  }
}
