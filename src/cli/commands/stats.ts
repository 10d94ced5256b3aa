/**
 * `valuelex stats efa|parallel|alpha`: the psychometrics core on a CSV (DESIGN contract).
 * `stats efa --json` prints one object: loadings (items x factors, items in the CSV's column
 * order), communalities, uniquenesses, phi (null when orthogonal), variance_explained,
 * kmo {overall, items}, bartlett {chisq, df, p}; plus items, factors, fit and warnings.
 */
import type { Command } from 'commander';
import { InputError } from '../../config/load.js';
import { bartlett, kmo } from '../../stats/adequacy.js';
import { pairwiseCounts, pearsonPairwise } from '../../stats/correlation.js';
import { fa, FACTOR_METHODS, type FactorMethod, type FaResult } from '../../stats/efa.js';
import { parallelAnalysis } from '../../stats/parallel.js';
import { ROTATIONS, type RotationName } from '../../stats/rotations.js';
import { readCorrelationCsv, readItemCsv } from '../csv-read.js';
import { action, asInputError, output, parseIntOption, type GlobalOptions } from '../util.js';
import { registerAlpha } from './stats-alpha.js';
import { registerParallel } from './stats-parallel.js';

interface EfaOptions extends GlobalOptions {
  input: string;
  cor?: boolean;
  nObs?: number;
  nfactors: string;
  fm: string;
  rotate: string;
  seed: number;
  iter: number;
}


const f3 = (v: number): string => (v < 0 ? '' : ' ') + v.toFixed(2);

function describeEfa(names: string[], res: FaResult, n: number, kmoOverall: number, how: string): string {
  const k = res.nfactors;
  const width = Math.max(6, ...names.map((s) => s.length));
  const lines = [`Factor analysis: ${res.method}, ${k} factor${k > 1 ? 's' : ''}, rotation ${res.rotation}, n = ${n}${how}`];
  lines.push(`${''.padEnd(width)} ${Array.from({ length: k }, (_, j) => `   F${j + 1}`).join('')}    h2    u2`);
  names.forEach((name, i) => {
    const cells = res.loadings[i]!.map((v) => (Math.abs(v) < 0.3 ? '      ' : ` ${f3(v)}`)).join('');
    lines.push(`${name.padEnd(width)} ${cells}  ${res.communalities[i]!.toFixed(2)}  ${res.uniquenesses[i]!.toFixed(2)}`);
  });
  const ve = res.variance_explained;
  lines.push(`${'SS load'.padEnd(width)} ${ve.ss_loadings.map((v) => ` ${f3(v)}`).join('')}`);
  lines.push(`${'Prop'.padEnd(width)} ${ve.proportion_var.map((v) => ` ${f3(v)}`).join('')}`);
  if (res.phi) {
    lines.push('Factor correlations (Phi):');
    res.phi.forEach((row, i) => lines.push(`  F${i + 1} ${row.map((v) => ` ${f3(v)}`).join('')}`));
  }
  const fit = res.fit;
  lines.push(`RMSR ${fit.rmsr.toFixed(3)}; KMO ${kmoOverall.toFixed(2)}; dof ${fit.dof}${fit.chisq !== null ? `; chi-square ${fit.chisq.toFixed(2)}, p ${fit.p === null ? 'NA' : fit.p.toExponential(2)}` : ''}`);
  if (fit.tli !== null && fit.rmsea) lines.push(`TLI ${fit.tli.toFixed(3)}; RMSEA ${fit.rmsea.estimate.toFixed(3)} [${fit.rmsea.lower?.toFixed(3) ?? 'NA'}, ${fit.rmsea.upper?.toFixed(3) ?? 'NA'}]; BIC ${fit.bic?.toFixed(2) ?? 'NA'}`);
  for (const w of res.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function registerEfa(group: Command): void {
  group
    .command('efa')
    .description('exploratory factor analysis equal to R psych::fa')
    .requiredOption('--input <file>', 'CSV: header of item names, one respondent per row, empty cell = missing')
    .option('--cor', 'the CSV is a correlation matrix (give --n-obs for fit statistics)')
    .option('--n-obs <n>', 'number of observations behind a --cor matrix', parseIntOption('n-obs'))
    .option('--nfactors <k>', 'number of factors, or auto (parallel analysis)', 'auto')
    .option('--fm <method>', `factoring method: ${FACTOR_METHODS.join(' | ')}`, 'minres')
    .option('--rotate <rotation>', `rotation: ${ROTATIONS.join(' | ')}`, 'oblimin')
    .option('--iter <n>', 'parallel-analysis iterations for --nfactors auto', parseIntOption('iter'), 100)
    .option('--seed <n>', 'parallel-analysis seed', parseIntOption('seed'), 1)
    .option('--json', 'print one JSON object')
    .action(
      action((opts: EfaOptions) => {
        if (!(FACTOR_METHODS as readonly string[]).includes(opts.fm)) throw new InputError(`--fm: expected ${FACTOR_METHODS.join(', ')}, got "${opts.fm}"`);
        if (!(ROTATIONS as readonly string[]).includes(opts.rotate)) throw new InputError(`--rotate: expected ${ROTATIONS.join(', ')}, got "${opts.rotate}"`);
        let names: string[], r: number[][], n: number | undefined, npObs: number[][] | undefined;
        if (opts.cor) {
          ({ names, r } = readCorrelationCsv(opts.input));
          n = opts.nObs;
        } else {
          const table = readItemCsv(opts.input);
          names = table.names;
          r = asInputError(() => pearsonPairwise(table.rows));
          n = opts.nObs ?? table.rows.length;
          const counts = pairwiseCounts(table.rows);
          if (counts.some((row) => row.some((c) => c !== table.rows.length))) npObs = counts;
        }
        let nfactors: number;
        let how = '';
        if (opts.nfactors === 'auto') {
          if (n === undefined) throw new InputError('--nfactors auto on a correlation matrix needs --n-obs (parallel analysis simulates data of that size)');
          const pa = asInputError(() => parallelAnalysis({ r, n: n! }, { iter: opts.iter, seed: opts.seed, fa: 'fa' }));
          nfactors = Math.max(1, pa.nfact ?? 1);
          how = ` (factors by parallel analysis, ${opts.iter} iterations, seed ${opts.seed})`;
        } else {
          nfactors = Number(opts.nfactors);
          if (!Number.isInteger(nfactors) || nfactors < 1) throw new InputError(`--nfactors: expected a positive integer or auto, got "${opts.nfactors}"`);
        }
        const res = asInputError(() =>
          fa(r, { nfactors, fm: opts.fm as FactorMethod, rotate: opts.rotate as RotationName, ...(n !== undefined ? { nObs: n } : {}), ...(npObs ? { npObs } : {}) }),
        );
        const k = asInputError(() => kmo(r));
        const b = n !== undefined ? asInputError(() => bartlett(r, n!)) : null;
        const result = {
          items: names,
          factors: nfactors,
          fm: res.method,
          rotate: res.rotation,
          n_obs: n ?? null,
          loadings: res.loadings,
          communalities: res.communalities,
          uniquenesses: res.uniquenesses,
          phi: res.phi,
          variance_explained: res.variance_explained,
          kmo: k,
          bartlett: b,
          structure: res.structure,
          eigenvalues: res.e_values,
          fit: res.fit,
          warnings: res.warnings,
        };
        output(opts, result, () => describeEfa(names, res, n ?? NaN, k.overall, how));
      }),
    );
}

export function register(program: Command): void {
  const group = program.command('stats').description('psychometrics on a CSV: efa, parallel, alpha (equal to R psych)');
  registerEfa(group);
  registerParallel(group);
  registerAlpha(group);
}
