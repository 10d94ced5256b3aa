/** Schwartz's values are defined once (data/value-systems/schwartz.yaml); the id list follows it. */
import { describe, expect, it } from 'vitest';
import { LABEL_VALUES } from '../../src/evaluation/labels.js';
import { SCHWARTZ_VALUES, schwartzSystem, schwartzValues } from '../../src/values/schwartz.js';

describe('Schwartz value system', () => {
  it('SCHWARTZ_VALUES are the leaf values of schwartz.yaml, in order', () => {
    expect(schwartzValues().dimensions.map((d) => d.id)).toEqual([...SCHWARTZ_VALUES]);
    expect(schwartzSystem().dimensions.filter((d) => d.parent).map((d) => d.id)).toEqual([...SCHWARTZ_VALUES]);
    expect(schwartzSystem().dimensions.filter((d) => !d.parent)).toHaveLength(4);
  });

  it('the viewer labels the same values', () => {
    expect(LABEL_VALUES).toBe(SCHWARTZ_VALUES);
  });
});
