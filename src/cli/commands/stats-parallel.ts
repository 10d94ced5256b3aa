/**
 * `valuelex stats parallel --input data.csv [--iter N] [--json]`: how many factors/components to
 * retain — parallel analysis (psych::fa.parallel), Kaiser's count and Velicer's MAP.
 */
import type { Command } from 'commander';
import { lazy, parseIntOption, parseNumberOption } from '../util.js';

export function registerParallel(group: Command): void {
  group
    .command('parallel')
    .description('number of factors: parallel analysis (psych::fa.parallel), Kaiser count and Velicer MAP')
    .requiredOption('--input <file>', 'CSV: header of item names, one respondent per row, empty cell = missing')
    .option('--cor', 'the CSV is a correlation matrix (then --n-obs is required)')
    .option('--n-obs <n>', 'number of observations behind a --cor matrix', parseIntOption('n-obs'))
    .option('--iter <n>', 'simulated data sets (psych default 20)', parseIntOption('iter'), 20)
    .option('--seed <n>', 'random seed for the simulations', parseIntOption('seed'), 1)
    .option('--fa <kind>', 'fa | pc | both', 'both')
    .option('--quantile <q>', 'quantile of simulated eigenvalues to beat (psych: 0.95)', parseNumberOption('quantile'), 0.95)
    .option('--json', 'print one JSON object')
    .action(
      lazy(() => import('../actions/stats.js').then((m) => m.parallel)),
    );
}
