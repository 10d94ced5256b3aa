/** The value-vector section: profiles of evaluated (or labeled) outputs per source, by risk. */
import { loadValueAnalysis } from '../../evaluation/analysis.js';
import type { ReportSection } from '../model.js';

export const valueVectorsSection: ReportSection = {
  name: 'value_vectors',
  build(store) {
    const a = loadValueAnalysis(store);
    return a ? { value_vectors: a } : undefined;
  },
};
