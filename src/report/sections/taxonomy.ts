/**
 * The taxonomy section: the dimensions with their words and loadings, and what a reader of the
 * paper needs to judge them: the unit of analysis, the lexicon's reduction, the factor-count
 * evidence, adequacy, in-sample and held-out reliability, the ordinal fit, the validation over
 * held-out models, the agreement of the two sources, the ratings' response style and the retest.
 */
import { loadTaxonomy } from '../../study/stages/taxonomy/stage.js';
import type { ReportSection } from '../model.js';

export const taxonomySection: ReportSection = {
  name: 'taxonomy',
  build(store) {
    const t = loadTaxonomy(store);
    if (!t) return undefined;
    const optional = <K extends keyof typeof t>(...keys: K[]): Partial<Pick<typeof t, K>> =>
      Object.fromEntries(keys.filter((k) => t[k] !== undefined).map((k) => [k, t[k]])) as Partial<Pick<typeof t, K>>;
    return {
      taxonomy: {
        dimensions: t.system.dimensions.map((d) => ({ id: d.id, label: d.label, parent: d.parent, words: Object.keys(d.loadings), loadings: d.loadings, definition: d.definition })),
        nfactors: t.nfactors,
        kmo: t.kmo,
        alpha: t.alpha,
        source: t.source,
        correlation: t.correlation,
        bartlett: t.bartlett,
        scree: t.scree,
        validation: t.validation,
        cross_loadings: t.cross_loadings,
        ...optional('omega', 'schwartz_overlap', 'comparison', 'status', 'status_reason', 'adequate', 'unit', 'reduction', 'factor_count', 'subdimensions', 'ordinal_fit', 'ordinal_fit_error', 'validation_note', 'schwartz_fit', 'sources', 'response_style', 'retest', 'unassigned', 'warnings'),
      },
    };
  },
};
