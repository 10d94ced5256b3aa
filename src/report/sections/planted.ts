/**
 * Planted vs recovered: on a run whose models are all simulated with a known planted truth, what the
 * method recovered of it (SIMULATED: a test of the method, not a finding about models). Absent for
 * real or mixed runs.
 */
import { plantedVsRecovered } from '../../study/planted.js';
import type { ReportSection } from '../model.js';

export const plantedSection: ReportSection = {
  name: 'planted_vs_recovered',
  build(store) {
    const p = plantedVsRecovered(store);
    return p ? { planted_vs_recovered: p } : undefined;
  },
};
