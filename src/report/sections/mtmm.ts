/** The validity section: the multitrait-multimethod matrix over every method the run used (src/study/mtmm.ts). */
import { buildMtmm } from '../../study/mtmm.js';
import type { ReportSection } from '../model.js';

export const mtmmSection: ReportSection = {
  name: 'mtmm',
  build(store) {
    const m = buildMtmm(store);
    return m ? { mtmm: m } : undefined;
  },
};
