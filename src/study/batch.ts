/**
 * Batch export and import, so a GPU cluster (vLLM `run-batch`) or the OpenAI Batch API can answer a
 * stage's requests: export runs the stages in collect mode and writes every request not yet
 * answered as OpenAI Batch JSONL; import reads the results and stores each answer exactly as if the
 * engine had made the call. Re-running the stage then answers from the cache; a stage whose later
 * requests depend on earlier answers (re-asks, judge scoring) is exported in waves.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { StudyConfig } from '../config/schema.js';
import { InputError } from '../core/errors.js';
import { answerFromBatchBody, toBatchLine } from '../engine/batch-format.js';
import type { CollectedRequest } from '../engine/engine.js';
import type { ProviderFactories } from '../engine/providers/index.js';
import { RunStore } from '../store/store.js';
import { runStudy, studyEngine } from './run.js';
import { ensureBatchSchema, exportedRequest, recordExported, type BatchRequestRow } from './tables.js';

export interface ExportResult {
  file: string;
  requests: number;
  byModel: Record<string, number>;
  /** Models whose provider cannot be batched through the OpenAI format (left out). */
  skipped: Record<string, number>;
}

export async function exportBatch(config: StudyConfig, storePath: string, file: string, opts: { stages?: string[]; factories?: ProviderFactories } = {}): Promise<ExportResult> {
  const store = RunStore.open(storePath);
  ensureBatchSchema(store);
  const release = store.acquireRunLock('batch export');
  const engine = studyEngine(config, store, { mode: 'collect', ...(opts.factories ? { factories: opts.factories } : {}) });
  try {
    try {
      await runStudy({ engine, config, log: () => {} }, opts.stages ? { stages: opts.stages } : {});
    } catch {
      // Expected: stages stop at the first requests that are not answered yet.
    }
    const collected = engine.collectedRequests();
    const byModel: Record<string, number> = {};
    const skipped: Record<string, number> = {};
    const lines: string[] = [];
    const exported: BatchRequestRow[] = [];
    for (const c of collected) {
      if (c.model.provider !== 'openai') {
        skipped[c.model.name] = (skipped[c.model.name] ?? 0) + 1;
        continue;
      }
      byModel[c.model.name] = (byModel[c.model.name] ?? 0) + 1;
      exported.push({ key: c.key, stage: c.stage, model_name: c.model.name, request: JSON.stringify(c.request), sample: c.sample, attempt: c.attempt });
      lines.push(JSON.stringify(toBatchLine(c)));
    }
    recordExported(store, exported);
    writeFileSync(file, lines.length > 0 ? lines.join('\n') + '\n' : '');
    return { file, requests: lines.length, byModel, skipped };
  } finally {
    release();
    store.close();
  }
}

const resultLineSchema = z.object({
  custom_id: z.string().min(1),
  response: z
    .object({
      status_code: z.number(),
      body: z.record(z.string(), z.unknown()),
    })
    .nullable()
    .optional(),
  error: z.unknown().optional(),
});

export interface ImportResult {
  imported: number;
  alreadyStored: number;
  failed: Array<{ line: number; custom_id: string; error: string }>;
}

export async function importBatch(config: StudyConfig, storePath: string, file: string, opts: { factories?: ProviderFactories } = {}): Promise<ImportResult> {
  const store = RunStore.open(storePath);
  ensureBatchSchema(store);
  const release = store.acquireRunLock('batch import');
  const engine = studyEngine(config, store, { mode: 'collect', ...(opts.factories ? { factories: opts.factories } : {}) });
  const result: ImportResult = { imported: 0, alreadyStored: 0, failed: [] };
  let lineNo = 0;
  try {
    const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const raw of rl) {
      lineNo++;
      if (!raw.trim()) continue;
      let parsed: z.infer<typeof resultLineSchema>;
      try {
        parsed = resultLineSchema.parse(JSON.parse(raw));
      } catch (e) {
        throw new InputError(`${file}:${lineNo}: not a batch result line (${(e as Error).message.split('\n')[0]})`);
      }
      const row = exportedRequest(store, parsed.custom_id);
      if (!row) throw new InputError(`${file}:${lineNo}: custom_id ${parsed.custom_id} was not exported from this run database`);
      if (store.getResponse(row.key)) {
        result.alreadyStored++;
        continue;
      }
      if (parsed.error || !parsed.response || parsed.response.status_code !== 200) {
        const error = parsed.error ? JSON.stringify(parsed.error) : `HTTP ${parsed.response?.status_code ?? 'none'}`;
        result.failed.push({ line: lineNo, custom_id: parsed.custom_id, error });
        continue;
      }
      let answer;
      try {
        answer = answerFromBatchBody(parsed.response.body);
      } catch (e) {
        result.failed.push({ line: lineNo, custom_id: parsed.custom_id, error: (e as Error).message });
        continue;
      }
      engine.storeExternalAnswer(
        { key: row.key, stage: row.stage, model: engine.modelConfig(row.model_name), request: JSON.parse(row.request) as CollectedRequest['request'], sample: row.sample, attempt: row.attempt },
        answer,
      );
      result.imported++;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`${file}: no such file`);
    throw e;
  } finally {
    release();
    store.close();
  }
  return result;
}
