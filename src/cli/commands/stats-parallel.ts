/**
 * `valuelex stats parallel --input data.csv [--iter N] [--json]`: how many factors/components to
 * retain — parallel analysis (psych::fa.parallel), Kaiser's count and Velicer's MAP.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { velicerMap, type MapResult } from '../../stats/map.js';
import { parallelAnalysis, type ParallelKind } from '../../stats/parallel.js';
import { pearsonPairwise } from '../../stats/correlation.js';
import { readCorrelationCsv, readItemCsv } from '../csv-read.js';
import { action, asInputError, output, parseIntOption, parseNumberOption, type GlobalOptions } from '../util.js';

interface ParallelOptions extends GlobalOptions {
  input: string;
  cor?: boolean;
  nObs?: number;
  iter: number;
  seed: number;
  fa: string;
  quantile: number;
}


const fmt = (v: number | undefined | null, d = 3): string => (v === undefined || v === null ? '' : v.toFixed(d));

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
      action((opts: ParallelOptions) => {
        if (!['fa', 'pc', 'both'].includes(opts.fa)) throw new InputError(`--fa: expected fa, pc or both, got "${opts.fa}"`);
        let names: string[], r: number[][], n: number;
        if (opts.cor) {
          if (opts.nObs === undefined) throw new InputError('--cor needs --n-obs (the number of observations behind the matrix)');
          ({ names, r } = readCorrelationCsv(opts.input));
          n = opts.nObs;
        } else {
          const table = readItemCsv(opts.input);
          names = table.names;
          r = asInputError(() => pearsonPairwise(table.rows));
          n = table.rows.length;
        }
        const pa = asInputError(() => parallelAnalysis({ r, n }, { iter: opts.iter, seed: opts.seed, fa: opts.fa as ParallelKind, quantile: opts.quantile }));
        const map: MapResult | null = r.length >= 3 ? asInputError(() => velicerMap(r, 8)) : null;
        const result = {
          items: names,
          n,
          iter: pa.iter,
          seed: pa.seed,
          observed: { fa: pa.faValues, pc: pa.pcValues },
          simulated: { fa_mean: pa.faSimMean, pc_mean: pa.pcSimMean, fa_quantile: pa.faSimQuantile, pc_quantile: pa.pcSimQuantile, quantile: opts.quantile },
          nfact: pa.nfact,
          ncomp: pa.ncomp,
          kaiser: pa.kaiser,
          map: map && { map2: map.map2, map4: map.map4, nfact_map2: map.nfactMap2, nfact_map4: map.nfactMap4 },
        };
        output(opts, result, () => {
          const lines = [`Parallel analysis: ${names.length} items, n = ${n}, ${pa.iter} simulated data sets (seed ${pa.seed})`];
          lines.push('  #   PC obs  PC sim    FA obs  FA sim     MAP');
          const rows = Math.min(names.length, 10);
          for (let k = 0; k < rows; k++) {
            lines.push(
              `${String(k + 1).padStart(3)}  ${fmt(pa.pcValues[k]).padStart(7)} ${fmt(pa.pcSimMean?.[k]).padStart(7)}  ${fmt(pa.faValues[k]).padStart(7)} ${fmt(pa.faSimMean?.[k]).padStart(7)}  ${fmt(map?.map2[k], 4).padStart(7)}`,
            );
          }
          if (names.length > rows) lines.push(`  ... ${names.length - rows} more (use --json for all)`);
          const parts = [
            pa.nfact !== null ? `factors ${pa.nfact}` : null,
            pa.ncomp !== null ? `components ${pa.ncomp}` : null,
            `Kaiser (eigenvalues > 1) ${pa.kaiser}`,
            map ? `MAP ${map.nfactMap2} (4th power ${map.nfactMap4})` : null,
          ].filter(Boolean);
          lines.push(`Suggested: ${parts.join('; ')}`);
          return lines.join('\n');
        });
      }),
    );
}
