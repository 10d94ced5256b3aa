/**
 * `valuelex init`, `run` and the per-stage commands, on src/study/run.ts.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { studyTemplate } from '../../config/template.js';
import { InputError } from '../../core/errors.js';
import type { Engine } from '../../engine/engine.js';
import { plantedTruthOf } from '../../sim/population.js';
import { SIMULATED_PROVIDERS } from '../../sim/provider.js';
import { runStudyFile, type RunResult } from '../../study/run.js';
import { log, output, type GlobalOptions } from '../util.js';

/** First Ctrl-C stops dispatching and lets stored work settle; a second one exits at once. */
export function interruptible(): (engine: Engine) => void {
  return (engine) => {
    let count = 0;
    process.on('SIGINT', () => {
      count++;
      if (count === 1) {
        log('interrupted: stopping; finished requests are stored (re-run with --resume). Ctrl-C again to quit now.');
        engine.abort('interrupted by SIGINT');
        process.exitCode = 130;
      } else process.exit(130);
    });
  };
}

export function summarizeRun(r: RunResult): string {
  const lines = [`study ${r.study}: run database ${r.store}`];
  if (r.simulated.length > 0) lines.push(`SIMULATED models (synthetic answers, not real LLMs): ${r.simulated.join(', ')}`);
  for (const s of r.stages) lines.push(`  ${s.stage}: ${s.skipped ? 'already done (skipped)' : 'done'} ${JSON.stringify(s.summary).slice(0, 300)}`);
  const totals = r.cost.reduce(
    (a, c) => ({ requests: a.requests + c.requests, cached: a.cached + c.cached, input: a.input + c.input_tokens, output: a.output + c.output_tokens, usd: a.usd + c.cost_usd }),
    { requests: 0, cached: 0, input: 0, output: 0, usd: 0 },
  );
  if (r.local) lines.push(`  local models: peak memory ${r.local.peak_rss_mb} MB, ${r.local.model_switches} model switches`);
  lines.push(`  requests ${totals.requests} (answers reused from the cache ${totals.cached}), tokens in ${totals.input} out ${totals.output}, est. cost $${totals.usd.toFixed(4)}`);
  return lines.join('\n');
}

/** With --json the summary is not printed: say on stderr which models were simulated. */
export function warnSimulated(r: RunResult, opts: GlobalOptions): void {
  if (opts.json && r.simulated.length > 0) log(`SIMULATED models (synthetic answers, not real LLMs): ${r.simulated.join(', ')}`);
}

export async function init(dir: string, opts: GlobalOptions & { force?: boolean }): Promise<void> {
  const file = join(dir, 'study.yaml');
  if (existsSync(file) && !opts.force) throw new InputError(`${file}: already exists (use --force to overwrite)`);
  mkdirSync(dir, { recursive: true });
  const name = dir.replace(/\/+$/, '').split('/').pop()!.replace(/[^A-Za-z0-9._-]/g, '-') || 'study';
  writeFileSync(file, studyTemplate(name));
  output(opts, { file }, () => `wrote ${file}\nedit the models, then: valuelex run ${file}`);
}

export async function run(file: string, opts: GlobalOptions & { stages?: string[]; resume?: boolean; breakLock?: boolean }): Promise<void> {
  const result = await runStudyFile(file, {
    ...(opts.stages ? { stages: opts.stages } : {}),
    resume: opts.resume ?? false,
    breakLock: opts.breakLock ?? false,
    progress: !opts.json,
    log,
    onEngine: interruptible(),
    factories: SIMULATED_PROVIDERS,
    plantedTruth: (id) => plantedTruthOf(id),
  });
  warnSimulated(result, opts);
  output(opts, { study: result.study, store: result.store, stages: result.stages, cost: result.cost, simulated: result.simulated, ...(result.local ? { local: result.local } : {}) }, () => summarizeRun(result));
}

export async function runOneStage(stage: string, file: string, opts: GlobalOptions & { breakLock?: boolean }): Promise<void> {
  const result = await runStudyFile(file, { stages: [stage], progress: !opts.json, log, onEngine: interruptible(), factories: SIMULATED_PROVIDERS, plantedTruth: (id) => plantedTruthOf(id), breakLock: opts.breakLock ?? false });
  warnSimulated(result, opts);
  output(opts, { study: result.study, store: result.store, stages: result.stages, cost: result.cost, simulated: result.simulated }, () => summarizeRun(result));
}
