/**
 * `valuelex stats efa|parallel|alpha|cfa`: the psychometrics core on a CSV (a contract, README "Commands").
 * `stats efa --json` prints one object: loadings (items x factors, items in the CSV's column
 * order), communalities, uniquenesses, phi (null when orthogonal), variance_explained,
 * kmo {overall, items}, bartlett {chisq, df, p}; plus items, factors, fit and warnings.
 */
import type { Command } from 'commander';
import { lazy, parseIntOption } from '../util.js';
import { registerAlpha } from './stats-alpha.js';
import { registerCfa } from './stats-cfa.js';
import { registerParallel } from './stats-parallel.js';

/** The choices of `--fm` and `--rotate`, as src/stats/efa.ts and rotations.ts define them (a test keeps them equal). */
export const FACTOR_METHOD_NAMES = ['minres', 'ml', 'pa', 'pc'] as const;
export const ROTATION_NAMES = ['none', 'varimax', 'promax', 'oblimin', 'quartimin', 'geomin'] as const;

export function registerEfa(group: Command): void {
  group
    .command('efa')
    .description('exploratory factor analysis equal to R psych::fa')
    .requiredOption('--input <file>', 'CSV: header of item names, one respondent per row, empty cell = missing')
    .option('--cor', 'the CSV is a correlation matrix (give --n-obs for fit statistics)')
    .option('--n-obs <n>', 'number of observations behind a --cor matrix', parseIntOption('n-obs'))
    .option('--nfactors <k>', 'number of factors, or auto (parallel analysis)', 'auto')
    .option('--fm <method>', `factoring method: ${FACTOR_METHOD_NAMES.join(' | ')}`, 'minres')
    .option('--rotate <rotation>', `rotation: ${ROTATION_NAMES.join(' | ')}`, 'oblimin')
    .option('--iter <n>', 'parallel-analysis iterations for --nfactors auto', parseIntOption('iter'), 100)
    .option('--seed <n>', 'parallel-analysis seed', parseIntOption('seed'), 1)
    .option('--json', 'print one JSON object')
    .action(
      lazy(() => import('../actions/stats.js').then((m) => m.efa)),
    );
}

export function register(program: Command): void {
  const group = program.command('stats').description('psychometrics on a CSV: efa, parallel, alpha (equal to R psych), cfa (equal to lavaan)');
  registerEfa(group);
  registerParallel(group);
  registerAlpha(group);
  registerCfa(group);
}
