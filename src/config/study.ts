/**
 * Loading a study file for a run: validation (line-numbered errors) plus path resolution, so a
 * study behaves the same from any working directory.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadStudyConfig } from './load.js';
import type { StudyConfig } from './schema.js';

export interface LoadedStudy {
  config: StudyConfig;
  file: string;
  /** The run database path (absolute). */
  storePath: string;
  /** The folder holding the run database, where stages write their files. */
  runDir: string;
}

export function loadStudy(file: string): LoadedStudy {
  const config = loadStudyConfig(file);
  const base = dirname(resolve(file));
  const raw = config.store ?? `runs/${config.name}/run.db`;
  const storePath = /^postgres/i.test(raw) || isAbsolute(raw) ? raw : resolve(base, raw);
  const runDir = /^postgres/i.test(storePath) ? resolve('runs', new URL(storePath).pathname.replace(/^\//, '') || 'postgres') : dirname(storePath);
  return { config: { ...config, store: storePath }, file, storePath, runDir };
}
