/** The projective section: profiles with intervals, group comparisons, judges and their quality. */
import { loadProjective } from '../../study/stages/projective/stage.js';
import type { ReportSection } from '../model.js';

export const profilesSection: ReportSection = {
  name: 'profiles',
  build(store) {
    const p = loadProjective(store);
    if (!p) return undefined;
    return {
      profiles: p.profiles,
      profile_system: p.system,
      profile_dimensions: p.dimensions,
      comparisons: p.comparisons,
      judge_agreement: p.agreement,
      judges: p.judges,
      ...(p.judge_quality ? { judge_quality: p.judge_quality } : {}),
      ...(p.test_retest ? { test_retest: p.test_retest } : {}),
    };
  },
};
