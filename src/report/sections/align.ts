/** The alignment section: distance to the target before and after each strategy. */
import { loadAlignSummaries } from '../../evaluation/align.js';
import type { ReportSection } from '../model.js';

export const alignSection: ReportSection = {
  name: 'align',
  build(store) {
    const a = loadAlignSummaries(store);
    return a && a.length > 0 ? { align: a } : undefined;
  },
};
