/**
 * Raw SQL for assertions on what a run database stored. The store keeps its connection private,
 * so tests read a SQLite run database through a second, read-only connection (after the store has
 * written what it buffered).
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../src/store/store.js';

/** A SQLite run database in a fresh temporary folder. */
export function tempStore(): RunStore {
  return RunStore.open(join(mkdtempSync(join(tmpdir(), 'vlx-store-')), 'run.db'));
}

/** A read-only connection to a SQLite store's file, current with everything the store wrote. */
export function peek(store: RunStore): Database.Database {
  store.flush();
  return new Database(store.path, { readonly: true });
}
