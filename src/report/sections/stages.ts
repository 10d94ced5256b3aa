/** Provenance: every stage run with the configuration it ran with. */
import type { ReportSection } from '../model.js';

export const stagesSection: ReportSection = {
  name: 'stages',
  build(store) {
    const stages = store.stageRuns();
    return stages.length > 0 ? { stages } : undefined;
  },
};
