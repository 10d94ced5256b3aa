/** The choices section: value priorities from forced choices, framing consistency, position bias, intransitivity. */
import { loadChoices } from '../../study/stages/choices/stage.js';
import { dilemmaRows } from '../../study/stages/choices/tables.js';
import type { ReportSection } from '../model.js';

export const choicesSection: ReportSection = {
  name: 'choices',
  build(store) {
    const c = loadChoices(store);
    if (!c) return undefined;
    return {
      choices: {
        system: c.system,
        dimensions: c.dimensions.map((d) => ({ id: d.id, label: d.label })),
        framings: c.framings,
        samples: c.samples,
        priorities: c.priorities,
        fits: c.fits,
        consistency: c.consistency,
        position_bias: c.position_bias,
        intransitivity: c.intransitivity,
        answers: c.answers,
        dilemmas: c.dilemmas,
        generator: c.generator,
        verifier: c.verifier,
        items: store.hasTable('choice_dilemmas')
          ? dilemmaRows(store)
              .filter((d) => d.status === 'kept')
              .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
              .map((d) => ({ id: d.id, value_a: d.value_a, value_b: d.value_b, template: d.template, setting: d.setting, dilemma: d.dilemma ?? '', option_a: d.option_a ?? '', option_b: d.option_b ?? '' }))
          : [],
      },
    };
  },
};
