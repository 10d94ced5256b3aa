/**
 * The OpenAI Batch API line format (also read by vLLM's `run-batch`): a request the engine
 * collected, as a batch line, and an answer from a batch result, as the engine stores answers.
 * Which requests to export and when to import them is the study's business (src/study/batch.ts).
 */
import type { CollectedRequest } from './engine.js';

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

export interface BatchAnswer {
  text: string;
  finish_reason?: string;
  model_version?: string;
  usage: { input_tokens: number; output_tokens: number };
}

/** The answer in a batch result's response body (chat or completion). */
export function answerFromBatchBody(body: Record<string, unknown>): BatchAnswer {
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
