/** The taxonomy section: the dimensions with their words and loadings, adequacy, reliability, validation. */
import { loadTaxonomy } from '../../study/stages/taxonomy/stage.js';
import type { ReportSection } from '../model.js';

export const taxonomySection: ReportSection = {
  name: 'taxonomy',
  build(store) {
    const t = loadTaxonomy(store);
    if (!t) return undefined;
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
      },
    };
  },
};
