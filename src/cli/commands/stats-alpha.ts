/**
 * `valuelex stats alpha --input data.csv [--check-keys] [--json]`: Cronbach's alpha with psych's
 * item statistics and alpha-if-item-dropped table.
 */
import type { Command } from 'commander';
import { lazy } from '../util.js';

export function registerAlpha(group: Command): void {
  group
    .command('alpha')
    .description("internal consistency: Cronbach's alpha like psych::alpha")
    .requiredOption('--input <file>', 'CSV: header of item names, one respondent per row, empty cell = missing')
    .option('--check-keys', 'reverse items that load negatively on the first principal component')
    .option('--json', 'print one JSON object')
    .action(
      lazy(() => import('../actions/stats.js').then((m) => m.alpha)),
    );
}
