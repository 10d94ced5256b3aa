/**
 * `valuelex stats efa|parallel|alpha`: the psychometrics of src/stats on a CSV (the output shapes
 * are a contract, README "Commands").
 */
import { InputError } from '../../core/errors.js';
import { readCorrelationCsv, readItemCsv } from '../../core/csv.js';
import { bartlett, kmo } from '../../stats/adequacy.js';
import { pairwiseCounts, pearsonPairwise } from '../../stats/correlation.js';
import { fa, FACTOR_METHODS, type FactorMethod, type FaResult } from '../../stats/efa.js';
import { StatsInputError } from '../../stats/input-error.js';
import { velicerMap, type MapResult } from '../../stats/map.js';
import { parallelAnalysis, type ParallelKind } from '../../stats/parallel.js';
import { cronbachAlpha } from '../../stats/reliability.js';
import { ROTATIONS, type RotationName } from '../../stats/rotations.js';
import { log, output, type GlobalOptions } from '../util.js';

/** Statistics errors on a user's data are input errors (one line, exit code 2). */
function asInputError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof StatsInputError) throw new InputError(e.message);
    throw e;
  }
}

export interface EfaOptions extends GlobalOptions {
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

export interface ParallelOptions extends GlobalOptions {
  input: string;
  cor?: boolean;
  nObs?: number;
  iter: number;
  seed: number;
  fa: string;
  quantile: number;
}


const fmtParallel = (v: number | undefined | null, d = 3): string => (v === undefined || v === null ? '' : v.toFixed(d));

export interface AlphaCommandOptions extends GlobalOptions {
  input: string;
  checkKeys?: boolean;
}

const fmt = (v: number, d = 3): string => (Number.isFinite(v) ? v.toFixed(d) : 'NA');


export function efa(opts: EfaOptions): void {
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
}

export function parallel(opts: ParallelOptions): void {
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
        `${String(k + 1).padStart(3)}  ${fmtParallel(pa.pcValues[k]).padStart(7)} ${fmtParallel(pa.pcSimMean?.[k]).padStart(7)}  ${fmtParallel(pa.faValues[k]).padStart(7)} ${fmtParallel(pa.faSimMean?.[k]).padStart(7)}  ${fmtParallel(map?.map2[k], 4).padStart(7)}`,
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
}

export function alpha(opts: AlphaCommandOptions): void {
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
}
