/**
 * `valuelex stats cfa --input data.csv --model "F1 =~ x1 + x2 + x3\nF2 =~ ..." [--ordered [items]]
 * [--estimator ml|wlsmv] [--json]`: confirmatory factor analysis equal to lavaan 0.6.
 *
 * --ordered (all model items, or a comma-separated list that must name them all) fits lavaan's
 * `cfa(model, data, ordered = TRUE)`: WLSMV (DWLS on polychoric correlations, robust SEs,
 * scaled-shifted test). Without it, normal-theory ML on the covariance matrix, lavaan's default.
 * Either way std.lv identification (factor variances 1) unless --marker; listwise deletion.
 *
 * JSON (DESIGN contract): {loadings: [{factor, item, est, se}], thresholds: [{item, threshold, est}],
 * factor_cor: [{a, b, est}], fit: {chisq, df, chisq_scaled, df_scaled, pvalue_scaled, cfi, tli,
 * rmsea, srmr, cfi_scaled, tli_scaled, rmsea_scaled}}, plus more fields; the scaled fields are null
 * for ML (lavaan's ML default has no robust test).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { cfaFromData, type CfaResult } from '../../stats/cfa.js';
import { parseCfaSyntax, resolveCfaSyntax, type ResolvedCfaModel } from '../../stats/cfa-syntax.js';
import { cfaWlsmv, type CfaWlsmvResult } from '../../stats/cfa-wlsmv.js';
import { StatsInputError } from '../../stats/input-error.js';
import { readItemCsv } from '../../core/csv.js';
import { log, output, type GlobalOptions } from '../util.js';

export interface CfaCommandOptions extends GlobalOptions {
  input: string;
  model?: string;
  modelFile?: string;
  ordered?: boolean | string;
  estimator?: string;
  marker?: boolean;
  orthogonal?: boolean;
}

/** The contract's JSON shape (snake_case), shared by both estimators. */
export interface CfaJson {
  estimator: 'ML' | 'WLSMV';
  test: 'standard' | 'scaled.shifted';
  identification: 'std.lv' | 'marker';
  orthogonal: boolean;
  items: string[];
  factors: string[];
  n_obs: number;
  n_dropped: number;
  loadings: { factor: string; item: string; est: number; se: number; std: number }[];
  thresholds: { item: string; threshold: string; est: number; se: number }[];
  factor_cor: { a: string; b: string; est: number; se: number | null; cov: number }[];
  fit: {
    chisq: number; df: number; pvalue: number | null;
    chisq_scaled: number | null; df_scaled: number | null; pvalue_scaled: number | null; scaling_factor: number | null;
    cfi: number; tli: number; rmsea: number; srmr: number;
    cfi_scaled: number | null; tli_scaled: number | null; rmsea_scaled: number | null;
    baseline_chisq: number; baseline_df: number; baseline_chisq_scaled: number | null; npar: number;
  };
  warnings: string[];
}

const ESTIMATORS = ['ml', 'wlsmv'] as const;

/** Library errors on the user's data become one-line input errors naming the file. */
function onData<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof StatsInputError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
}

function readModel(opts: CfaCommandOptions): { text: string; where: string } {
  if (opts.model !== undefined && opts.modelFile !== undefined) throw new InputError('give the model once: --model or --model-file, not both');
  if (opts.modelFile !== undefined) {
    try {
      return { text: readFileSync(opts.modelFile, 'utf8'), where: opts.modelFile };
    } catch (e) {
      throw new InputError(`cannot read ${opts.modelFile}: ${(e as Error).message}`);
    }
  }
  if (opts.model === undefined) throw new InputError('--model is required (lavaan syntax, e.g. "F1 =~ x1 + x2 + x3\\nF2 =~ x4 + x5 + x6")');
  return { text: opts.model, where: '--model' };
}

/** --ordered alone orders every model item; a list must name them all (mixed ordinal/continuous models are not implemented). */
function orderedItems(flag: boolean | string | undefined, items: readonly string[]): boolean {
  if (flag === undefined || flag === false) return false;
  if (flag === true) return true;
  const listed = flag.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = listed.find((s) => !items.includes(s));
  if (unknown !== undefined) throw new InputError(`--ordered: "${unknown}" is not an item of the model (items: ${items.join(', ')})`);
  const missing = items.find((s) => !listed.includes(s));
  if (missing !== undefined) throw new InputError(`--ordered: model item "${missing}" is not listed; mixing ordered and continuous items is not supported, list every model item or use --ordered alone`);
  return true;
}

function fromWlsmv(res: CfaWlsmvResult, marker: boolean, orthogonal: boolean): CfaJson {
  const f = res.fit;
  return {
    estimator: 'WLSMV', test: 'scaled.shifted', identification: marker ? 'marker' : 'std.lv', orthogonal,
    items: res.items, factors: res.factors, n_obs: res.nObs, n_dropped: res.nDropped,
    loadings: res.loadings.map((l) => ({ factor: l.factor, item: l.item, est: l.est, se: l.se, std: l.std })),
    thresholds: res.thresholds.map((t) => ({ item: t.item, threshold: t.threshold, est: t.est, se: t.se })),
    // Under std.lv the covariance is the correlation and its SE is the parameter's; under a marker
    // the correlation is a function of three parameters and has no SE here.
    factor_cor: res.factorCovariances.map((c) => ({ a: c.a, b: c.b, est: c.cor, se: marker ? null : c.se, cov: c.cov })),
    fit: {
      chisq: f.chisq, df: f.df, pvalue: f.pvalue,
      chisq_scaled: f.chisqScaled, df_scaled: f.dfScaled, pvalue_scaled: f.pvalueScaled, scaling_factor: f.scalingFactor,
      cfi: f.cfi, tli: f.tli, rmsea: f.rmsea, srmr: f.srmr,
      cfi_scaled: f.cfiScaled, tli_scaled: f.tliScaled, rmsea_scaled: f.rmseaScaled,
      baseline_chisq: f.baselineChisq, baseline_df: f.baselineDf, baseline_chisq_scaled: f.baselineChisqScaled, npar: f.npar,
    },
    warnings: res.warnings,
  };
}

function fromMl(res: CfaResult, model: ResolvedCfaModel, nRows: number, marker: boolean, orthogonal: boolean): CfaJson {
  const f = res.fit;
  const loadings = res.parameters.filter((p) => p.kind === 'loading').map((p) => ({
    factor: model.factors[p.factor!]!.name, item: model.items[p.item!]!, est: p.estimate, se: p.se ?? 0, std: p.standardized,
  }));
  const factor_cor = res.parameters.filter((p) => p.kind === 'factor-covariance' && p.factor !== p.factor2).map((p) => ({
    a: model.factors[p.factor!]!.name, b: model.factors[p.factor2!]!.name, est: p.standardized, se: marker ? null : (p.se ?? null), cov: p.estimate,
  }));
  return {
    estimator: 'ML', test: 'standard', identification: marker ? 'marker' : 'std.lv', orthogonal,
    items: model.items, factors: model.factors.map((x) => x.name), n_obs: res.nObs, n_dropped: nRows - res.nObs,
    loadings, thresholds: [], factor_cor,
    fit: {
      chisq: f.chisq, df: f.df, pvalue: f.pValue,
      chisq_scaled: null, df_scaled: null, pvalue_scaled: null, scaling_factor: null,
      cfi: f.cfi, tli: f.tli, rmsea: f.rmsea, srmr: f.srmr,
      cfi_scaled: null, tli_scaled: null, rmsea_scaled: null,
      baseline_chisq: f.baselineChisq, baseline_df: f.baselineDf, baseline_chisq_scaled: null, npar: f.npar,
    },
    warnings: res.warnings,
  };
}

const num = (v: number | null, d = 3): string => (v === null || !Number.isFinite(v) ? 'NA' : v.toFixed(d));

function describe(j: CfaJson): string {
  const w = Math.max(6, ...j.items.map((s) => s.length), ...j.factors.map((s) => s.length));
  const lines = [`CFA (${j.estimator}${j.estimator === 'WLSMV' ? ', ordered items, robust test' : ''}), ${j.factors.length} factor${j.factors.length > 1 ? 's' : ''}, ${j.identification}, n = ${j.n_obs}${j.n_dropped > 0 ? ` (${j.n_dropped} incomplete rows dropped)` : ''}`, ''];
  lines.push(`${'factor'.padEnd(w)}  ${'item'.padEnd(w)}     est      se  std.all`);
  for (const l of j.loadings) lines.push(`${l.factor.padEnd(w)}  ${l.item.padEnd(w)}  ${num(l.est).padStart(6)}  ${num(l.se).padStart(6)}  ${num(l.std).padStart(7)}`);
  if (j.factor_cor.length > 0) {
    lines.push('', 'Factor correlations:');
    for (const c of j.factor_cor) lines.push(`  ${c.a} ~~ ${c.b}  ${num(c.est)}${c.se !== null ? ` (se ${num(c.se)})` : ''}`);
  }
  if (j.thresholds.length > 0) {
    lines.push('', 'Thresholds:');
    for (const item of j.items) lines.push(`  ${item.padEnd(w)}  ${j.thresholds.filter((t) => t.item === item).map((t) => num(t.est)).join('  ')}`);
  }
  const f = j.fit;
  lines.push('');
  lines.push(`chi-square ${num(f.chisq)} on ${f.df} df, p ${f.pvalue === null ? 'NA' : f.pvalue.toPrecision(3)}; CFI ${num(f.cfi)}, TLI ${num(f.tli)}, RMSEA ${num(f.rmsea)}, SRMR ${num(f.srmr)}`);
  if (f.chisq_scaled !== null) {
    lines.push(`scaled (scaled-shifted) chi-square ${num(f.chisq_scaled)} on ${f.df_scaled} df, p ${f.pvalue_scaled === null ? 'NA' : f.pvalue_scaled.toPrecision(3)}; CFI ${num(f.cfi_scaled)}, TLI ${num(f.tli_scaled)}, RMSEA ${num(f.rmsea_scaled)}`);
  }
  for (const warning of j.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}

export function cfa(opts: CfaCommandOptions): void {
        const { text, where } = readModel(opts);
        const syntax = (() => {
          try {
            return parseCfaSyntax(text);
          } catch (e) {
            if (e instanceof StatsInputError) throw new InputError(`${where}: ${e.message}`);
            throw e;
          }
        })();
        const table = readItemCsv(opts.input);
        const model = onData(opts.input, () => resolveCfaSyntax(syntax, table.names));
        const ordered = orderedItems(opts.ordered, model.items);
        const estimator = (opts.estimator ?? (ordered ? 'wlsmv' : 'ml')).toLowerCase();
        if (!(ESTIMATORS as readonly string[]).includes(estimator)) throw new InputError(`--estimator: expected ${ESTIMATORS.join(' or ')}, got "${opts.estimator}"`);
        if (estimator === 'ml' && ordered) throw new InputError('--estimator ml treats items as continuous: drop --ordered, or use wlsmv (normal-theory ML on polychoric correlations gives wrong chi-square, CFI and RMSEA)');
        if (estimator === 'wlsmv' && !ordered) throw new InputError('--estimator wlsmv needs --ordered (DWLS is implemented for ordered items only)');
        const marker = opts.marker ?? false;
        const orthogonal = opts.orthogonal ?? false;
        const rows = table.rows.map((r) => model.columns.map((c) => r[c] ?? null));
        let json: CfaJson;
        if (estimator === 'wlsmv') {
          model.items.forEach((item, i) => {
            const distinct = new Set(rows.map((r) => r[i]).filter((v) => v !== null)).size;
            if (distinct > 10) log(`warning: ${opts.input}: item "${item}" has ${distinct} distinct values; --ordered treats each as a category`);
          });
          const res = onData(opts.input, () => cfaWlsmv(rows, { factors: model.factors, itemNames: model.items, identification: marker ? 'marker' : 'std.lv', orthogonal }));
          json = fromWlsmv(res, marker, orthogonal);
        } else {
          const res = onData(opts.input, () => cfaFromData(rows.map((r) => r.map((v) => v ?? NaN)), { factors: model.factors, itemNames: model.items, identification: marker ? 'marker' : 'std.lv', orthogonal }));
          json = fromMl(res, model, rows.length, marker, orthogonal);
        }
        if (opts.json) for (const w of json.warnings) log(`warning: ${w}`);
        output(opts, json, () => describe(json));
}
