/**
 * The projective section: profiles with intervals over items, group comparisons with the model as the
 * unit, variance components, test-retest and the judge's quality, all recomputed from the run's stored
 * scores by the current rules (a run made by an older version is re-analysed, not re-printed).
 */
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
      comparison_family: p.comparison_family,
      variance_components: p.variance_components,
      ...(p.retest ? { retest: p.retest } : {}),
      judge_agreement: p.agreement,
      judges: p.judges,
      ...(p.judge_quality ? { judge_quality: p.judge_quality } : {}),
    };
  },
};
