/** The lexicon section: every term after the study's filters, with its counts. */
import type { RunStore } from '../../store/store.js';
import { listLexicon } from '../../study/stages/elicit/lexicon.js';
import type { ReportSection } from '../model.js';

export const lexiconSection: ReportSection = {
  name: 'lexicon',
  build(store: RunStore) {
    if (!store.hasTable('lexicon')) return undefined;
    const cfg = store.getMetaJson<{ elicit?: { min_count?: number; min_models?: number } }>('study_config')?.elicit;
    const entries = listLexicon(store, { minCount: cfg?.min_count ?? 1, minModels: cfg?.min_models ?? 1 });
    return { lexicon: entries.map((e) => ({ descriptor: e.descriptor, count: e.count, models: e.n_models, per_model: e.per_model })) };
  },
};
