/**
 * `valuelex stats alpha --input data.csv [--check-keys] [--json]`: Cronbach's alpha with psych's
 * item statistics and alpha-if-item-dropped table.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { StatsInputError } from '../../stats/input-error.js';
import { cronbachAlpha } from '../../stats/reliability.js';
import { readItemCsv } from '../csv-read.js';
import { action, log, output, type GlobalOptions } from '../util.js';

interface AlphaCommandOptions extends GlobalOptions {
  input: string;
  checkKeys?: boolean;
}

const fmt = (v: number, d = 3): string => (Number.isFinite(v) ? v.toFixed(d) : 'NA');

export function registerAlpha(group: Command): void {
  group
    .command('alpha')
    .description("internal consistency: Cronbach's alpha like psych::alpha")
    .requiredOption('--input <file>', 'CSV: header of item names, one respondent per row, empty cell = missing')
    .option('--check-keys', 'reverse items that load negatively on the first principal component')
    .option('--json', 'print one JSON object')
    .action(
      action((opts: AlphaCommandOptions) => {
        const { names, rows } = readItemCsv(opts.input);
        let res;
        try {
          res = cronbachAlpha(rows, { checkKeys: opts.checkKeys ?? false });
        } catch (e) {
          if (e instanceof StatsInputError) throw new InputError(e.message);
          throw e;
        }
        for (const w of res.warnings) log(`warning: ${w}`);
        const label = names.map((n, i) => (res.keys[i]! < 0 ? `-${n}` : n));
        const t = res.total;
        const result = {
          items: names,
          keys: res.keys,
          n: rows.length,
          raw_alpha: t.rawAlpha,
          std_alpha: t.stdAlpha,
          g6: t.g6,
          average_r: t.averageR,
          signal_noise: t.signalNoise,
          ase: t.ase,
          mean: t.mean,
          sd: t.sd,
          median_r: t.medianR,
          item_stats: res.items.map((s, i) => ({ item: names[i], n: s.n, raw_r: s.rawR, std_r: s.stdR, r_cor: s.rCor, r_drop: s.rDrop, mean: s.mean, sd: s.sd })),
          alpha_if_dropped: res.alphaIfDropped.map((s, i) => ({
            item: names[i], raw_alpha: s.rawAlpha, std_alpha: s.stdAlpha, g6: s.g6, average_r: s.averageR,
            signal_noise: s.signalNoise, alpha_se: Number.isFinite(s.alphaSe) ? s.alphaSe : null, var_r: Number.isFinite(s.varR) ? s.varR : null, median_r: s.medianR,
          })),
          warnings: res.warnings,
        };
        output(opts, result, () => {
          const w = Math.max(6, ...label.map((l) => l.length));
          const lines = [
            `alpha ${fmt(t.rawAlpha)}  std.alpha ${fmt(t.stdAlpha)}  G6(smc) ${fmt(t.g6)}  average r ${fmt(t.averageR)}  S/N ${fmt(t.signalNoise, 2)}  (${names.length} items, n = ${rows.length})`,
            '',
            `${'item'.padEnd(w)}  alpha if dropped  r.drop   r.cor   mean     sd`,
          ];
          res.items.forEach((s, i) => {
            lines.push(`${label[i]!.padEnd(w)}  ${fmt(res.alphaIfDropped[i]!.rawAlpha).padStart(16)}  ${fmt(s.rDrop).padStart(6)}  ${fmt(s.rCor).padStart(6)}  ${fmt(s.mean, 2).padStart(5)}  ${fmt(s.sd, 2).padStart(5)}`);
          });
          return lines.join('\n');
        });
      }),
    );
}
