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
import { RunStore } from '../store/store.js';
import { Engine, type CollectedRequest } from '../engine/engine.js';
import { runStudy } from './run.js';
import './stages/index.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS batch_requests (
  key TEXT PRIMARY KEY,
  stage TEXT NOT NULL,
  model_name TEXT NOT NULL,
  request TEXT NOT NULL,
  sample INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  exported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);`;

export interface BatchLine {
  custom_id: string;
  method: 'POST';
  url: '/v1/chat/completions' | '/v1/completions';
  body: Record<string, unknown>;
}

export function toBatchLine(c: CollectedRequest): BatchLine {
  const p = c.request.params;
  const common: Record<string, unknown> = {
    model: c.model.model,
    ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
    ...(p.top_p !== undefined ? { top_p: p.top_p } : {}),
    ...(p.max_tokens !== undefined ? { max_tokens: p.max_tokens } : {}),
    ...(p.seed !== undefined ? { seed: p.seed } : {}),
    ...(p.stop ? { stop: p.stop } : {}),
  };
  if (c.request.kind === 'completion') {
    return { custom_id: c.key, method: 'POST', url: '/v1/completions', body: { ...common, prompt: c.request.prompt ?? '' } };
  }
  return {
    custom_id: c.key,
    method: 'POST',
    url: '/v1/chat/completions',
    body: {
      ...common,
      messages: c.request.messages ?? [],
      ...(p.json_schema ? { response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: p.json_schema, strict: false } } } : {}),
    },
  };
}

export interface ExportResult {
  file: string;
  requests: number;
  byModel: Record<string, number>;
  /** Models whose provider cannot be batched through the OpenAI format (left out). */
  skipped: Record<string, number>;
}

export async function exportBatch(config: StudyConfig, storePath: string, file: string, opts: { stages?: string[] } = {}): Promise<ExportResult> {
  const store = RunStore.open(storePath);
  store.ensureSchema('batch', 1, SCHEMA);
  const release = store.acquireRunLock('batch export');
  const engine = new Engine({ config, store, mode: 'collect' });
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
    const insert = store.db.prepare(
      `INSERT INTO batch_requests (key, stage, model_name, request, sample, attempt) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET exported_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
    );
    store.db.transaction(() => {
      for (const c of collected) {
        if (c.model.provider !== 'openai') {
          skipped[c.model.name] = (skipped[c.model.name] ?? 0) + 1;
          continue;
        }
        byModel[c.model.name] = (byModel[c.model.name] ?? 0) + 1;
        insert.run(c.key, c.stage, c.model.name, JSON.stringify(c.request), c.sample, c.attempt);
        lines.push(JSON.stringify(toBatchLine(c)));
      }
    })();
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

function answerFrom(body: Record<string, unknown>): { text: string; finish_reason?: string; model_version?: string; usage: { input_tokens: number; output_tokens: number } } {
  const choices = body.choices as Array<{ message?: { content?: unknown }; text?: unknown; finish_reason?: unknown }> | undefined;
  const choice = choices?.[0];
  const text = typeof choice?.message?.content === 'string' ? choice.message.content : typeof choice?.text === 'string' ? choice.text : undefined;
  if (text === undefined) throw new Error('response body has no choices[0].message.content or choices[0].text');
  const usage = body.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
  return {
    text,
    ...(typeof choice?.finish_reason === 'string' ? { finish_reason: choice.finish_reason } : {}),
    ...(typeof body.model === 'string' ? { model_version: body.model } : {}),
    usage: { input_tokens: usage?.prompt_tokens ?? 0, output_tokens: usage?.completion_tokens ?? 0 },
  };
}

export async function importBatch(config: StudyConfig, storePath: string, file: string): Promise<ImportResult> {
  const store = RunStore.open(storePath);
  store.ensureSchema('batch', 1, SCHEMA);
  const release = store.acquireRunLock('batch import');
  const engine = new Engine({ config, store, mode: 'collect' });
  const lookup = store.db.prepare('SELECT key, stage, model_name, request, sample, attempt FROM batch_requests WHERE key = ?');
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
      const row = lookup.get(parsed.custom_id) as { key: string; stage: string; model_name: string; request: string; sample: number; attempt: number } | undefined;
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
        answer = answerFrom(parsed.response.body);
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
