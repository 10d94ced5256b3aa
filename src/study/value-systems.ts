/**
 * The value system a study scores on, by name: this run's taxonomy, Schwartz's ten values, or a
 * value-system file. Used by projective tests, evaluation and alignment.
 */
import { InputError } from '../core/errors.js';
import type { RunStore } from '../store/store.js';
import { schwartzValues } from '../values/schwartz.js';
import { leafSystem, loadValueSystem, type ValueDimension, type ValueSystem } from '../values/value-system.js';
import { loadTaxonomy } from './stages/taxonomy/stage.js';

/**
 * `taxonomy` (this run's), `schwartz`, or a value-system file; scored on the leaf dimensions.
 * When the run's taxonomy found no structure (no factor beat chance, or the data were unfit), a
 * taxonomy that does not exist cannot be scored: Schwartz's values are used instead and
 * `onFallback` is told why, so the caller can say so. `field` names the setting in errors.
 */
export function resolveValueSystem(store: RunStore, spec: string, onFallback?: (reason: string) => void, field = 'projective.system'): ValueSystem {
  if (spec === 'taxonomy') {
    const t = loadTaxonomy(store);
    if (!t) throw new InputError(`${field}: taxonomy, but this run has no taxonomy yet; run the taxonomy stage first or use schwartz`);
    const roots = t.system.dimensions.filter((d) => d.parent === null);
    if (roots.length === 0) {
      onFallback?.(`the run's taxonomy has no dimensions (${t.status_reason ?? 'no structure found'}), so ${field === 'projective.system' ? 'the profiles use' : `${field.split('.')[0]} uses`} Schwartz's ten values instead`);
      return schwartzValues();
    }
    return { name: t.system.name, dimensions: roots };
  }
  // Score on the leaf values (Schwartz's ten), not on their higher-order groups.
  return spec === 'schwartz' ? schwartzValues() : leafSystem(loadValueSystem(spec));
}

/**
 * The words of a dimension: a taxonomy dimension's words (those that load on it), else the
 * dimension's examples. Self-ratings and elicitation measure a dimension through these words.
 */
export function dimensionWords(d: ValueDimension & { loadings?: Record<string, number> }): string[] {
  return d.loadings && Object.keys(d.loadings).length > 0 ? Object.keys(d.loadings) : [...(d.examples ?? [])];
}
