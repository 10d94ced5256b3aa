/**
 * `valuelex stats cfa`: the command's declaration; the work is in ../actions/stats-cfa.ts, loaded
 * only when the command runs.
 */
import type { Command } from 'commander';
import { lazy } from '../util.js';

export function registerCfa(group: Command): void {
  group
    .command('cfa')
    .description('confirmatory factor analysis equal to lavaan: ML, or WLSMV for ordered items')
    .requiredOption('--input <file>', 'CSV: header of item names, one respondent per row, empty cell = missing (rows with a missing model item are dropped)')
    .option('--model <syntax>', 'lavaan syntax: "F1 =~ x1 + x2 + x3\\nF2 =~ x4 + x5 + x6" (newlines, ";" or \\n between factors; # comments)')
    .option('--model-file <file>', 'read the lavaan syntax from a file instead')
    .option('--ordered [items]', 'treat the model items as ordered categories (all of them; a comma-separated list must name every model item)')
    .option('--estimator <name>', `ml | wlsmv (default: wlsmv with --ordered, ml otherwise)`)
    .option('--marker', 'identify each factor by its first item (loading 1) instead of unit factor variances (std.lv)')
    .option('--orthogonal', 'fix the factor correlations at zero')
    .option('--json', 'print one JSON object')
    .action(
      lazy(() => import('../actions/stats-cfa.js').then((m) => m.cfa)),
    );
}
