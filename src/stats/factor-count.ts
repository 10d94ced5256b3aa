/**
 * Evidence on the number of factors, three ways on one correlation matrix (issue 19): parallel
 * analysis against a null built from the data themselves (each column permuted independently,
 * correlations recomputed with the same function as the observed ones), Velicer's MAP, and the
 * scree (the observed eigenvalues, with the null thresholds beside them). The three often
 * disagree by one; a report should show all of them rather than one number.
 *
 * Defaults follow Buja & Eyuboglu (1992): 100 permutations and the 95th percentile of the null
 * eigenvalues. Pass `correlation: (d) => polychoric(d).rho` for ratings and
 * `(d) => tetrachoric(d).rho` for presence/absence data, so the null has the sampling spread of
 * the correlations actually analysed.
 */
import { DegenerateDataError, pearsonPairwise } from './correlation.js';
import { velicerMap, type MapResult } from './map.js';
import { parallelAnalysis, type CorrelationFunction, type ParallelCriterion, type ParallelResult } from './parallel.js';

export interface FactorCountOptions {
  /** Correlations of the raw data (default Pearson, pairwise deletion). */
  correlation?: CorrelationFunction;
  /** Data-based null: 'permutation' (default) or psych's 'resample' (columns bootstrapped). */
  null?: 'permutation' | 'resample';
  /** Null data sets (default 100). */
  iter?: number;
  /** Quantile of the null eigenvalues to beat (default 0.95). */
  quantile?: number;
  /** 'quantile' (default) or 'mean' (Horn's original rule, which retains more). */
  criterion?: ParallelCriterion;
  seed?: number;
  /** Most components MAP removes (default p - 1, all of them; psych's vss stops at 8). */
  mapMaxComponents?: number;
}

export interface ScreePoint {
  /** 1-based position. */
  k: number;
  /** Eigenvalue of the correlation matrix (the scree). */
  pc: number;
  /** Eigenvalue of the reduced matrix (one-factor minres communalities on the diagonal). */
  fa: number;
  /** The null value pc must exceed (quantile or mean of the null eigenvalues). */
  pcThreshold: number;
  faThreshold: number;
}

export interface FactorCountEvidence {
  /** Respondents (rows) and variables (columns). */
  n: number;
  p: number;
  /** The observed correlation matrix all three methods read. */
  r: number[][];
  scree: ScreePoint[];
  /** Suggested counts: parallel analysis on factors and on components, MAP (squared and 4th-power partials), eigenvalues > 1. */
  counts: { parallelFactors: number; parallelComponents: number; map: number | null; map4: number | null; kaiser: number };
  parallel: ParallelResult;
  /** Null when there are fewer than 3 variables. */
  map: MapResult | null;
}

/** Parallel analysis with a data-based null, MAP and the scree on `data` (rows respondents, null missing). */
export function factorCountEvidence(data: (number | null)[][], options: FactorCountOptions = {}): FactorCountEvidence {
  const correlation = options.correlation ?? pearsonPairwise;
  if (options.mapMaxComponents !== undefined && !(Number.isInteger(options.mapMaxComponents) && options.mapMaxComponents >= 1)) {
    throw new DegenerateDataError(`mapMaxComponents must be a positive integer, got ${options.mapMaxComponents}`);
  }
  const r = correlation(data);
  const parallel = parallelAnalysis({ data, r }, {
    null: options.null ?? 'permutation',
    iter: options.iter ?? 100,
    quantile: options.quantile ?? 0.95,
    criterion: options.criterion ?? 'quantile',
    seed: options.seed ?? 1,
    fa: 'both',
    correlation,
  });
  const p = r.length;
  const map = p >= 3 ? velicerMap(r, options.mapMaxComponents ?? p - 1) : null;
  const useMean = parallel.criterion === 'mean';
  const pcThreshold = (useMean ? parallel.pcSimMean : parallel.pcSimQuantile)!;
  const faThreshold = (useMean ? parallel.faSimMean : parallel.faSimQuantile)!;
  return {
    n: parallel.n,
    p,
    r,
    scree: parallel.pcValues.map((pc, i) => ({ k: i + 1, pc, fa: parallel.faValues[i]!, pcThreshold: pcThreshold[i]!, faThreshold: faThreshold[i]! })),
    counts: {
      parallelFactors: parallel.nfact!,
      parallelComponents: parallel.ncomp!,
      map: map?.nfactMap2 ?? null,
      map4: map?.nfactMap4 ?? null,
      kaiser: parallel.kaiser,
    },
    parallel,
    map,
  };
}
