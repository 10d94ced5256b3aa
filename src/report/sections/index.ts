/**
 * The report's sections, in the order they appear in the report (and its JSON). Adding a section
 * is one file here and one line in this list.
 */
import type { ReportSection } from '../model.js';
import { alignSection } from './align.js';
import { choicesSection } from './choices.js';
import { lexiconSection } from './lexicon.js';
import { mtmmSection } from './mtmm.js';
import { plantedSection } from './planted.js';
import { profilesSection } from './profiles.js';
import { stagesSection } from './stages.js';
import { taxonomySection } from './taxonomy.js';
import { valueVectorsSection } from './value-vectors.js';

export const SECTIONS: readonly ReportSection[] = [lexiconSection, taxonomySection, profilesSection, choicesSection, mtmmSection, valueVectorsSection, alignSection, plantedSection, stagesSection];
