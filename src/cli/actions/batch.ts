/** `valuelex batch export|import`, on src/study/batch.ts. */
import { loadStudy } from '../../config/study.js';
import { SIMULATED_PROVIDERS } from '../../sim/provider.js';
import { exportBatch, importBatch } from '../../study/batch.js';
import { output, type GlobalOptions } from '../util.js';

export async function batchExport(file: string, opts: GlobalOptions & { out: string; stages?: string[] }): Promise<void> {
  const study = loadStudy(file);
  const r = await exportBatch(study.config, study.storePath, opts.out, { ...(opts.stages ? { stages: opts.stages } : {}), factories: SIMULATED_PROVIDERS });
  output(opts, r, () =>
    [
      `wrote ${r.requests} pending requests to ${r.file}`,
      ...Object.entries(r.byModel).map(([m, n]) => `  ${m}: ${n}`),
      ...Object.entries(r.skipped).map(([m, n]) => `  ${m}: ${n} left out (provider is not OpenAI-compatible; run them live)`),
      r.requests > 0 ? `run them (e.g. vllm run-batch -i ${r.file} -o results.jsonl --model ...), then: valuelex batch import ${file} --input results.jsonl` : 'nothing pending: every request is answered',
    ].join('\n'),
  );
}

export async function batchImport(file: string, opts: GlobalOptions & { input: string }): Promise<void> {
  const study = loadStudy(file);
  const r = await importBatch(study.config, study.storePath, opts.input, { factories: SIMULATED_PROVIDERS });
  output(opts, r, () =>
    [
      `imported ${r.imported} answers (${r.alreadyStored} were already stored)`,
      ...r.failed.slice(0, 20).map((f) => `  line ${f.line} (${f.custom_id.slice(0, 12)}): ${f.error}`),
      r.failed.length > 0 ? `${r.failed.length} results failed and stay pending; re-export to retry them` : '',
      `continue with: valuelex run ${file} --resume (and export again if stages need another wave)`,
    ].filter(Boolean).join('\n'),
  );
}
