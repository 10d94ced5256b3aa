/**
 * The store's own tables: meta, schema_versions, models, requests (the engine's cache), cache_hits
 * and stage_runs. Table sets of the layers above live in their `tables.ts` files and are created
 * through `ensureSchema`.
 */
import type { Ddl, Generated } from './sql.js';

export const CORE_SCHEMA: Ddl = (t) => `
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
  cost_usd ${t.real} NOT NULL DEFAULT 0,
  latency_ms ${t.real},
  attempts INTEGER NOT NULL DEFAULT 1,
  error TEXT,
  created_at TEXT NOT NULL DEFAULT (${t.now})
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
  id ${t.serialPrimaryKey},
  stage TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  config TEXT NOT NULL DEFAULT '{}',
  started_at TEXT NOT NULL DEFAULT (${t.now}),
  finished_at TEXT,
  summary TEXT,
  error TEXT
);
`;

export interface RequestsTable {
  key: string;
  stage: string;
  model_name: string;
  provider: string;
  model: string;
  /** The request as sent (JSON: messages, params); never contains credentials. */
  request: string;
  status: 'ok' | 'error';
  text: string | null;
  finish_reason: string | null;
  model_version: string | null;
  input_tokens: Generated<number>;
  output_tokens: Generated<number>;
  cost_usd: Generated<number>;
  latency_ms: number | null;
  attempts: Generated<number>;
  error: string | null;
  created_at: Generated<string>;
}

export interface CoreTables {
  meta: { key: string; value: string };
  schema_versions: { name: string; version: number };
  models: { name: string; provider: string; model: string; kind: string; base_url: string | null; tags: string; simulated: number; config: string };
  requests: RequestsTable;
  cache_hits: { stage: string; model_name: string; hits: number };
  stage_runs: {
    id: Generated<number>;
    stage: string;
    status: 'running' | 'done' | 'failed';
    config: string;
    started_at: Generated<string>;
    finished_at: string | null;
    summary: string | null;
    error: string | null;
  };
}
