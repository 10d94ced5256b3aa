/** `valuelex lexicon <run.db>`: show, export, trace or edit the lexicon of a run. */
import { writeFileSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { RunStore } from '../../store/store.js';
import { exportLexicon, listLexicon, listMerges, setMergeActive, termSources } from '../../study/stages/elicit/lexicon.js';
import { output, type GlobalOptions } from '../util.js';

export interface LexiconOptions extends GlobalOptions {
  minCount?: number;
  minModels?: number;
  limit?: number;
  format?: string;
  out?: string;
  unmerge?: string;
  remerge?: string;
  trace?: string;
}

export async function lexicon(db: string, opts: LexiconOptions): Promise<void> {
  const format = opts.format ?? (opts.out?.endsWith('.json') ? 'json' : opts.out ? 'csv' : undefined);
  if (format !== undefined && format !== 'csv' && format !== 'json') throw new InputError(`--format: expected csv or json, got "${format}"`);
  const editing = opts.unmerge !== undefined || opts.remerge !== undefined;
  const store = RunStore.open(db, { readonly: !editing });
  try {
    if (!store.hasTable('lexicon')) throw new InputError(`${db}: no lexicon (run \`valuelex elicit <study.yaml>\` first)`);
    for (const [term, active] of [
      [opts.unmerge, false],
      [opts.remerge, true],
    ] as const) {
      if (term !== undefined && !setMergeActive(store, term, active)) throw new InputError(`--${active ? 'remerge' : 'unmerge'}: no recorded merge of "${term}"`);
    }
    if (opts.trace !== undefined) {
      const sources = termSources(store, opts.trace, opts.limit !== undefined ? { limit: opts.limit } : {});
      if (sources.length === 0) throw new InputError(`--trace: no answers produced "${opts.trace}"`);
      output(opts, { term: opts.trace, sources }, () =>
        sources.map((x) => `${x.respondent_id}  [${x.raw}]\n    ${x.response_text.replace(/\s+/g, ' ').slice(0, 200)}`).join('\n'),
      );
      return;
    }
    const entries = listLexicon(store, {
      ...(opts.minCount !== undefined ? { minCount: opts.minCount } : {}),
      ...(opts.minModels !== undefined ? { minModels: opts.minModels } : {}),
      ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    });
    if (opts.out) {
      writeFileSync(opts.out, exportLexicon(entries, format === 'json' ? 'json' : 'csv'));
      output(opts, { out: opts.out, terms: entries.length }, () => `wrote ${entries.length} terms to ${opts.out}`);
      return;
    }
    if (format) {
      process.stdout.write(exportLexicon(entries, format));
      return;
    }
    const merges = listMerges(store).filter((m) => m.active);
    output(opts, { terms: entries, merges }, () => {
      const lines = [`${entries.length} terms`];
      for (const e of entries) {
        const models = Object.entries(e.per_model)
          .map(([m, c]) => `${m}:${c}`)
          .join(' ');
        lines.push(`${e.descriptor.padEnd(24)} ${String(e.count).padStart(6)}  models ${String(e.n_models).padStart(3)}  ${models}`);
      }
      if (merges.length > 0) lines.push(`merged synonyms: ${merges.map((m) => `${m.from} -> ${m.to} (${m.similarity.toFixed(2)})`).join(', ')}`);
      return lines.join('\n');
    });
  } finally {
    store.close();
  }
}
