/**
 * Stage `taxonomy`: from the models' ratings (or, as in the paper, the respondent x term matrix of
 * the elicitation) to a value system. Correlations (polychoric for Likert ratings, tetrachoric for
 * named/not-named, or Pearson), adequacy checks that are enforced, the number of factors by
 * parallel analysis, oblique EFA, assignment of each word to its highest salient loading with
 * cross-loadings reported, reliability per dimension, subdimensions by clustering each dimension's
 * words on their embeddings, names from a judge model (top-words fallback), and validation by EFA on
 * one random half of the respondents and CFA on the other.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfigFile } from '../../../config/load.js';
import type { ModelConfig, StudyConfig } from '../../../config/schema.js';
import { InputError } from '../../../core/errors.js';
import { groupBy } from '../../../core/group-by.js';
import { createEmbedder } from '../../../embed/create.js';
import type { Embedder } from '../../../embed/types.js';
import type { Engine } from '../../../engine/engine.js';
import type { JudgeFingerprint } from '../../../judge/judge.js';
import { nameWithJudge } from '../../../judge/naming.js';
import { bartlett, kmo } from '../../../stats/adequacy.js';
import { cfa } from '../../../stats/cfa.js';
import { agglomerative, cutTree } from '../../../stats/cluster/agglomerative.js';
import { cosineDistance } from '../../../stats/cluster/points.js';
import { factorCongruence, matchFactors } from '../../../stats/congruence.js';
import { pearsonPairwise } from '../../../stats/correlation.js';
import { statsJobBytes } from '../../../stats/job-size.js';
import { requireMemory } from '../../../core/memory.js';
import { fa, type FaResult } from '../../../stats/efa.js';
import { parallelAnalysis } from '../../../stats/parallel.js';
import { polychoric, tetrachoric } from '../../../stats/polychoric.js';
import { cronbachAlpha } from '../../../stats/reliability.js';
import { rngFor, shuffleInPlace } from '../../../stats/rng.js';
import type { RunStore } from '../../../store/store.js';
import { schwartzValues } from '../../../values/schwartz.js';
import { loadingsSystemSchema } from '../../../values/value-system.js';
import { judgesOf, type StageDefinition, type StageSummary } from '../../stage.js';
import { respondentTermMatrix } from '../elicit/lexicon.js';
import { ratingMatrix } from '../rate/stage.js';
import { replaceDimensions } from './tables.js';

export interface TaxonomyDimension {
  id: string;
  label: string;
  definition: string;
  examples: string[];
  parent: string | null;
  /** The words of this dimension and their loadings on it. */
  loadings: Record<string, number>;
}

export interface ValueSystemFile {
  name: string;
  source: 'ratings' | 'elicitation';
  dimensions: TaxonomyDimension[];
}

export interface TaxonomyResult {
  system: ValueSystemFile;
  source: 'ratings' | 'elicitation';
  correlation: 'polychoric' | 'tetrachoric' | 'pearson';
  respondents: number;
  terms: string[];
  nfactors: number;
  kmo: number;
  bartlett: { chisq: number; df: number; p: number };
  scree: { observed: number[]; parallel: number[] | null };
  /** terms x factors, in `terms` order. */
  loadings: number[][];
  phi: number[][] | null;
  alpha: Record<string, number>;
  /** McDonald's omega (total) per dimension with at least three words. */
  omega: Record<string, number>;
  /** Which of Schwartz's values each dimension's words fall nearest to in embedding space. */
  schwartz_overlap?: Array<{ dimension: string; label: string; nearest: Record<string, number>; top: string; share: number }>;
  /** Tucker congruence with another value system's loadings on the shared words (taxonomy.compare). */
  comparison?: { file: string; shared_terms: number; pairs: Array<{ dimension: string; other: string; congruence: number }> };
  cross_loadings: Array<{ term: string; dimensions: string[] }>;
  unassigned: string[];
  naming: 'judge' | 'top-words';
  /** The judge configuration that named the dimensions (when a judge did). */
  naming_judge?: JudgeFingerprint;
  validation: {
    efa_half: number;
    cfa_half: number;
    fit: Record<string, number | null> | null;
    error?: string;
    /** The same CFA half fitted with Schwartz's structure (words grouped by nearest Schwartz value). */
    schwartz?: { factors: Record<string, string[]>; fit: Record<string, number | null> | null; error?: string };
  } | null;
  warnings: string[];
}

function chooseCorrelation(config: StudyConfig, source: 'ratings' | 'elicitation', matrix: (number | null)[][]): 'polychoric' | 'tetrachoric' | 'pearson' {
  const c = config.taxonomy.cor;
  if (c !== 'auto') return c;
  if (source === 'elicitation') return 'tetrachoric';
  // Polychoric correlations suit Likert ratings when every word was rated on the same observed
  // categories (global thresholds, as psych's default); ragged category sets force pairwise
  // thresholds with many continuity-corrected empty cells, where Pearson is the steadier choice.
  const cats = matrix[0]!.map((_, j) => new Set(matrix.map((row) => row[j]).filter((v) => v !== null)).size);
  const all = new Set(matrix.flat().filter((v): v is number => v !== null));
  return all.size <= 8 && cats.every((c) => c === all.size) ? 'polychoric' : 'pearson';
}

function correlate(kind: 'polychoric' | 'tetrachoric' | 'pearson', data: (number | null)[][], warnings: string[]): number[][] {
  if (kind === 'pearson') return pearsonPairwise(data);
  const res = kind === 'polychoric' ? polychoric(data) : tetrachoric(data);
  warnings.push(...res.warnings);
  return res.rho;
}

/** Drop terms nobody varied on (a constant column has no correlation). */
function usableColumns(data: (number | null)[][], terms: string[]): { data: (number | null)[][]; terms: string[]; dropped: string[] } {
  const keep: number[] = [];
  const dropped: string[] = [];
  terms.forEach((t, j) => {
    const vals = new Set(data.map((row) => row[j]).filter((v) => v !== null));
    if (vals.size >= 2) keep.push(j);
    else dropped.push(t);
  });
  return { data: data.map((row) => keep.map((j) => row[j]!)), terms: keep.map((j) => terms[j]!), dropped };
}

async function nameDimension(engine: Engine, judge: ModelConfig | undefined, words: string[], log: (m: string) => void): Promise<{ label: string; definition: string; by: 'judge' | 'top-words'; fingerprint?: JudgeFingerprint }> {
  const fallback = {
    label: words.slice(0, 3).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' / '),
    definition: `Values such as ${words.slice(0, 5).join(', ')}.`,
    by: 'top-words' as const,
  };
  if (!judge) return fallback;
  try {
    const named = await nameWithJudge(engine, judge, words);
    return { label: named.label, definition: named.definition, by: 'judge', fingerprint: named.fingerprint };
  } catch (e) {
    log(`taxonomy: judge naming failed (${(e as Error).message}); using the top words`);
    return fallback;
  }
}

function fitRecord(fit: ReturnType<typeof cfa>['fit']): Record<string, number | null> {
  return { chisq: fit.chisq, df: fit.df, p: fit.pValue, cfi: fit.cfi, tli: fit.tli, rmsea: fit.rmsea, rmsea_lower: fit.rmseaLower, rmsea_upper: fit.rmseaUpper, srmr: fit.srmr };
}

function splitHalves(n: number, seed: number): [number[], number[]] {
  const rng = rngFor(String(seed), 'taxonomy-split');
  const idx = shuffleInPlace(rng, Array.from({ length: n }, (_, i) => i));
  const half = Math.floor(n / 2);
  return [idx.slice(0, half).sort((a, b) => a - b), idx.slice(half).sort((a, b) => a - b)];
}

export interface StructureOptions {
  cor: 'polychoric' | 'tetrachoric' | 'pearson';
  factors: 'auto' | number;
  fm: 'minres' | 'ml' | 'pa';
  rotate: 'none' | 'varimax' | 'promax' | 'oblimin' | 'quartimin' | 'geomin';
  threshold: number;
  seed: number;
  enforceAdequacy?: boolean;
}

export interface Structure {
  corKind: StructureOptions['cor'];
  r: number[][];
  adequacy: ReturnType<typeof kmo>;
  sphericity: ReturnType<typeof bartlett>;
  pa: ReturnType<typeof parallelAnalysis>;
  nfactors: number;
  res: FaResult;
  /** Item indices assigned to each factor by their highest salient loading. */
  members: number[][];
  crossLoadings: Array<{ term: string; dimensions: string[] }>;
  unassigned: string[];
  warnings: string[];
}

/**
 * The statistical core of the taxonomy, pure: correlations, enforced adequacy (KMO, Bartlett),
 * parallel analysis, EFA, assignment of items by highest salient loading with cross-loadings.
 */
export function discoverStructure(data: (number | null)[][], terms: readonly string[], opts: StructureOptions): Structure {
  const warnings: string[] = [];
  const n = data.length;
  const corKind = opts.cor;
  const r = correlate(corKind, data, warnings);
  const adequacy = kmo(r);
  const sphericity = bartlett(r, n);
  if (adequacy.overall < 0.5 || sphericity.p > 0.05) {
    const msg = `taxonomy: the data are not suitable for factor analysis (KMO ${adequacy.overall.toFixed(2)}, needs >= 0.50; Bartlett p ${sphericity.p.toExponential(2)}, needs <= 0.05): collect more respondents or more varied answers`;
    if (opts.enforceAdequacy ?? true) throw new Error(`${msg}; set taxonomy.enforce_adequacy: false to proceed anyway`);
    warnings.push(msg);
  }
  const pa = parallelAnalysis({ r, n }, { iter: 20, seed: opts.seed, fa: 'fa' });
  const nfactors = opts.factors === 'auto' ? Math.max(1, Math.min(pa.nfact ?? 1, terms.length - 1)) : opts.factors;
  const res: FaResult = fa(r, { nfactors, fm: opts.fm, rotate: opts.rotate, nObs: n });
  warnings.push(...res.warnings);
  const members: number[][] = Array.from({ length: nfactors }, () => []);
  const crossLoadings: Array<{ term: string; dimensions: string[] }> = [];
  const unassigned: string[] = [];
  res.loadings.forEach((row, i) => {
    const abs = row.map(Math.abs);
    const best = abs.indexOf(Math.max(...abs));
    if (abs[best]! < opts.threshold) {
      unassigned.push(terms[i]!);
      return;
    }
    members[best]!.push(i);
    const others = abs.map((a, k) => (k !== best && a >= opts.threshold ? `dim${k + 1}` : '')).filter(Boolean);
    if (others.length > 0) crossLoadings.push({ term: terms[i]!, dimensions: [`dim${best + 1}`, ...others] });
  });
  return { corKind, r, adequacy, sphericity, pa, nfactors, res, members, crossLoadings, unassigned, warnings };
}

/**
 * McDonald's omega (total) of one dimension from a one-factor minres fit to its items'
 * correlations: (Σλ)² / ((Σλ)² + Σψ), loadings signed as the dimension defines them.
 */
export function dimensionOmega(r: readonly (readonly number[])[], items: readonly number[]): number | null {
  if (items.length < 3) return null;
  const sub = items.map((i) => items.map((j) => r[i]![j]!));
  const one = fa(sub, { nfactors: 1, fm: 'minres', rotate: 'none' });
  const lam = one.loadings.map((row) => row[0]!);
  // Negatively loading items are reversed, as psych::omega does.
  const sumL = lam.reduce((s, x) => s + Math.abs(x), 0);
  const uniq = lam.reduce((s, x) => s + (1 - x * x), 0);
  return (sumL * sumL) / (sumL * sumL + uniq);
}

/** Each word's nearest Schwartz value: cosine of its embedding with the value's label and examples. */
export async function nearestSchwartz(embedder: Embedder, words: readonly string[]): Promise<string[]> {
  const schwartz = schwartzValues().dimensions;
  const anchors = await embedder.embed(schwartz.map((d) => [d.label, ...(d.examples ?? [])].join(' ')));
  const vecs = await embedder.embed([...words]);
  return vecs.map((v) => {
    const d = anchors.map((a) => cosineDistance(v, a));
    return schwartz[d.indexOf(Math.min(...d))]!.id;
  });
}

/** Nearest Schwartz value for each word of each dimension, counted per dimension. */
export async function overlapWithSchwartz(embedder: Embedder, dims: ReadonlyArray<{ id: string; label: string; loadings: Record<string, number> }>): Promise<NonNullable<TaxonomyResult['schwartz_overlap']>> {
  const out: NonNullable<TaxonomyResult['schwartz_overlap']> = [];
  for (const d of dims) {
    const words = Object.keys(d.loadings);
    if (words.length === 0) continue;
    const nearest: Record<string, number> = {};
    for (const v of await nearestSchwartz(embedder, words)) nearest[v] = (nearest[v] ?? 0) + 1;
    const top = Object.entries(nearest).sort((a, b) => b[1] - a[1])[0]!;
    out.push({ dimension: d.id, label: d.label, nearest, top: top[0], share: top[1] / words.length });
  }
  return out;
}

/** Tucker congruence between our dimensions and another value system's, on the words both load. */
export function compareSystems(dims: ReadonlyArray<{ id: string; loadings: Record<string, number> }>, file: string): NonNullable<TaxonomyResult['comparison']> {
  const other = loadConfigFile(file, loadingsSystemSchema).dimensions.filter((d) => d.loadings && Object.keys(d.loadings).length > 0 && !d.parent);
  if (other.length === 0) throw new InputError(`taxonomy.compare: ${file} has no top-level dimensions with loadings`);
  const shared = [...new Set(dims.flatMap((d) => Object.keys(d.loadings)))].filter((w) => other.some((o) => o.loadings![w] !== undefined));
  if (shared.length < 3) throw new InputError(`taxonomy.compare: ${file} shares only ${shared.length} words with this taxonomy; congruence needs at least 3`);
  const a = shared.map((w) => dims.map((d) => d.loadings[w] ?? 0));
  const b = shared.map((w) => other.map((o) => o.loadings![w] ?? 0));
  const m = matchFactors(a, b);
  // Congruence keeps its sign here: a dimension that is another's reverse shows as negative.
  const phi = factorCongruence(a, b);
  const pairs = dims.map((d, i) => ({ dimension: d.id, other: m.match[i]! >= 0 ? other[m.match[i]!]!.id : '', congruence: m.match[i]! >= 0 ? phi[i]![m.match[i]!]! : NaN })).filter((p) => p.other);
  return { file, shared_terms: shared.length, pairs };
}

export async function buildTaxonomy(engine: Engine, config: StudyConfig, log: (m: string) => void = () => {}): Promise<TaxonomyResult> {
  const store = engine.store;
  const source = config.taxonomy.source;
  const warnings: string[] = [];
  let data: (number | null)[][];
  let terms: string[];
  if (source === 'ratings') {
    const m = ratingMatrix(store);
    if (m.respondents.length === 0) throw new Error('taxonomy: no ratings in the run database; run the rate stage first (or set taxonomy.source: elicitation)');
    data = m.matrix;
    terms = m.terms;
  } else {
    const m = respondentTermMatrix(store, { binary: true, minCount: config.elicit.min_count, minModels: config.elicit.min_models });
    if (m.respondents.length === 0) throw new Error('taxonomy: no elicitation in the run database; run the elicit stage first');
    data = m.matrix;
    terms = m.terms;
  }
  const usable = usableColumns(data, terms);
  if (usable.dropped.length > 0) warnings.push(`dropped ${usable.dropped.length} words without variation: ${usable.dropped.slice(0, 5).join(', ')}`);
  data = usable.data;
  terms = usable.terms;
  const n = data.length;
  if (terms.length < 4) throw new Error(`taxonomy: only ${terms.length} words vary across respondents; factor analysis needs at least 4`);
  if (n < terms.length) warnings.push(`fewer respondents (${n}) than words (${terms.length}): estimates are unstable; add respondents`);
  // Refused before the work starts, not ended by an out-of-memory abort (lower the lexicon's size
  // with elicit.min_count / min_models or rate.max_terms).
  requireMemory('taxonomy', `factor analysis of ${terms.length} words x ${n} respondents`, statsJobBytes('efa', { n, p: terms.length }));
  const found = discoverStructure(data, terms, { ...config.taxonomy, cor: config.taxonomy.cor === 'auto' ? chooseCorrelation(config, source, data) : config.taxonomy.cor, enforceAdequacy: (config.taxonomy as { enforce_adequacy?: boolean }).enforce_adequacy ?? true });
  warnings.push(...found.warnings);
  const { corKind, r, adequacy, sphericity, pa, nfactors, res, members, crossLoadings, unassigned } = found;

  let embedder: ReturnType<typeof createEmbedder> | undefined;
  try {
    embedder = createEmbedder(config.embedding);
  } catch (e) {
    warnings.push(`subdimensions skipped: ${(e as Error).message}`);
  }
  const dimensions: TaxonomyDimension[] = [];
  const alpha: Record<string, number> = {};
  const omega: Record<string, number> = {};
  let naming: 'judge' | 'top-words' = 'top-words';
  let namingJudge: JudgeFingerprint | undefined;
  for (let k = 0; k < nfactors; k++) {
    const items = [...members[k]!].sort((a, b) => Math.abs(res.loadings[b]![k]!) - Math.abs(res.loadings[a]![k]!));
    if (items.length === 0) continue;
    const words = items.map((i) => terms[i]!);
    const id = `dim${k + 1}`;
    const named = await nameDimension(engine, judgesOf(config)[0], words, log);
    naming = named.by === 'judge' ? 'judge' : naming;
    if (named.fingerprint) namingJudge = named.fingerprint;
    dimensions.push({
      id,
      label: named.label,
      definition: named.definition,
      examples: words.slice(0, 5),
      parent: null,
      loadings: Object.fromEntries(items.map((i) => [terms[i]!, res.loadings[i]![k]!])),
    });
    if (items.length >= 2) {
      // Negatively loading words are reversed, as the factor defines them.
      const keys = items.map((i) => (res.loadings[i]![k]! < 0 ? -1 : 1));
      try {
        alpha[id] = cronbachAlpha(data.map((row) => items.map((i) => row[i]!)), { keys }).total.rawAlpha;
        const w = dimensionOmega(r, items);
        if (w !== null) omega[id] = w;
      } catch (e) {
        warnings.push(`alpha for ${id}: ${(e as Error).message}`);
      }
    }
    if (embedder && words.length >= 4) {
      try {
        const vecs = await embedder.embed(words);
        const tree = agglomerative(vecs.map((v) => Array.from(v)), 'ward', 'euclidean');
        const labels = cutTree(tree, 2);
        for (const c of [1, 2]) {
          const sub = words.filter((_, i) => labels[i] === c);
          if (sub.length === 0) continue;
          dimensions.push({
            id: `${id}.${c}`,
            label: sub.slice(0, 2).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' / '),
            definition: `Within ${named.label}: values such as ${sub.slice(0, 4).join(', ')}.`,
            examples: sub.slice(0, 5),
            parent: id,
            loadings: Object.fromEntries(sub.map((w) => [w, res.loadings[terms.indexOf(w)]![k]!])),
          });
        }
      } catch (e) {
        warnings.push(`subdimensions of ${id} skipped: ${(e as Error).message}`);
      }
    }
  }

  // Where the dimensions sit among Schwartz's values: each word's nearest value in embedding space.
  let schwartzOverlap: TaxonomyResult['schwartz_overlap'];
  if (embedder) {
    try {
      schwartzOverlap = await overlapWithSchwartz(embedder, dimensions.filter((d) => d.parent === null));
    } catch (e) {
      warnings.push(`overlap with Schwartz's values skipped: ${(e as Error).message}`);
    }
  }
  let comparison: TaxonomyResult['comparison'];
  const compareFile = (config.taxonomy as { compare?: string }).compare;
  if (compareFile) comparison = compareSystems(dimensions.filter((d) => d.parent === null), compareFile);

  // Validation: EFA on one random half, CFA of that structure on the other.
  let validation: TaxonomyResult['validation'] = null;
  const [h1, h2] = splitHalves(n, config.taxonomy.seed);
  if (h1.length >= 20 && h2.length >= 20) {
    try {
      const r1 = correlate(corKind, h1.map((i) => data[i]!), []);
      const half = fa(r1, { nfactors, fm: config.taxonomy.fm, rotate: config.taxonomy.rotate, nObs: h1.length });
      const groups: number[][] = Array.from({ length: nfactors }, () => []);
      half.loadings.forEach((row, i) => {
        const abs = row.map(Math.abs);
        const best = abs.indexOf(Math.max(...abs));
        if (abs[best]! >= config.taxonomy.threshold) groups[best]!.push(i);
      });
      const factors = groups.map((items, k) => ({ name: `F${k + 1}`, items })).filter((f) => f.items.length >= 2);
      const used = factors.flatMap((f) => f.items).sort((a, b) => a - b);
      const remap = new Map(used.map((i, j) => [i, j]));
      const r2full = correlate(corKind, h2.map((i) => data[i]!), []);
      const r2 = used.map((i) => used.map((j) => r2full[i]![j]!));
      const fit = cfa(r2, h2.length, { factors: factors.map((f) => ({ name: f.name, items: f.items.map((i) => remap.get(i)!) })), itemNames: used.map((i) => terms[i]!) }).fit;
      validation = { efa_half: h1.length, cfa_half: h2.length, fit: fitRecord(fit) };
      // Schwartz's structure on the same half, where the rated words allow it: each word goes to
      // its nearest Schwartz value; values with at least two words are the factors.
      if (embedder) {
        try {
          const nearest = await nearestSchwartz(embedder, terms);
          const byValue = groupBy(nearest.map((_, i) => i), (i) => nearest[i]!);
          // Three indicators per factor keep each factor identified on its own.
          const sFactors = [...byValue.entries()].filter(([, items]) => items.length >= 3).map(([name, items]) => ({ name, items }));
          if (sFactors.length >= 2) {
            const factorsByValue = Object.fromEntries(sFactors.map((f) => [f.name, f.items.map((i) => terms[i]!)]));
            try {
              const sUsed = sFactors.flatMap((f) => f.items).sort((a, b) => a - b);
              const sRemap = new Map(sUsed.map((i, j) => [i, j]));
              const sr = sUsed.map((i) => sUsed.map((j) => r2full[i]![j]!));
              // A Schwartz structure the data cannot support often does not converge at all; cfa
              // stops such a fit early (a stalled objective with a growing gradient) and names the
              // factors the data do not tell apart.
              const sFit = cfa(sr, h2.length, { factors: sFactors.map((f) => ({ name: f.name, items: f.items.map((i) => sRemap.get(i)!) })), itemNames: sUsed.map((i) => terms[i]!) }).fit;
              validation.schwartz = { factors: factorsByValue, fit: fitRecord(sFit) };
            } catch (e) {
              // A structure the data cannot support is itself the comparison's answer.
              validation.schwartz = { factors: factorsByValue, fit: null, error: (e as Error).message };
            }
          } else warnings.push("Schwartz's structure not fitted: fewer than two Schwartz values have three or more rated words");
        } catch (e) {
          warnings.push(`Schwartz's structure not fitted: ${(e as Error).message}`);
        }
      }
    } catch (e) {
      validation = { efa_half: h1.length, cfa_half: h2.length, fit: null, error: (e as Error).message };
    }
  } else warnings.push(`split-half validation skipped: ${n} respondents (needs at least 40)`);

  const system: ValueSystemFile = { name: `${config.name}-taxonomy`, source, dimensions };
  return {
    system,
    source,
    correlation: corKind,
    respondents: n,
    terms,
    nfactors,
    kmo: adequacy.overall,
    bartlett: sphericity,
    scree: { observed: res.values, parallel: pa.faSimMean },
    loadings: res.loadings,
    phi: res.phi,
    alpha,
    omega,
    ...(schwartzOverlap ? { schwartz_overlap: schwartzOverlap } : {}),
    ...(comparison ? { comparison } : {}),
    cross_loadings: crossLoadings,
    unassigned,
    naming,
    ...(namingJudge ? { naming_judge: namingJudge } : {}),
    validation,
    warnings,
  };
}

export function saveTaxonomy(store: RunStore, result: TaxonomyResult): string {
  replaceDimensions(
    store,
    result.system.dimensions.map((d) => ({ id: d.id, label: d.label, parent: d.parent, definition: d.definition, words: JSON.stringify(Object.keys(d.loadings)), loadings: JSON.stringify(d.loadings) })),
  );
  store.setMetaJson('taxonomy', result);
  const file = join(store.dir, 'taxonomy.yaml');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `# Value system discovered by valuelex taxonomy (${result.source}, ${result.correlation} correlations).\n${stringify(result.system)}`);
  return file;
}

/** The taxonomy of a run (for projective tests, evaluators and the report), if one was built. */
export function loadTaxonomy(store: RunStore): TaxonomyResult | undefined {
  return store.getMetaJson<TaxonomyResult>('taxonomy');
}

export interface TaxonomySummary extends StageSummary {
  source: string;
  nfactors: number;
  dimensions: Array<{ id: string; label: string; words: string[] }>;
  kmo: number;
  file: string;
}

export const taxonomyStage: StageDefinition = {
  name: 'taxonomy',
  description: 'factor analysis of the ratings (or the elicitation matrix) into a value system',
  configOf: (config) => ({ taxonomy: config.taxonomy, embedding: config.embedding }),
  run: async ({ engine, config, log }) => {
    const result = await buildTaxonomy(engine, config, log);
    const file = saveTaxonomy(engine.store, result);
    for (const w of result.warnings) log(`taxonomy: ${w}`);
    const summary: TaxonomySummary = {
      source: result.source,
      nfactors: result.nfactors,
      kmo: Number(result.kmo.toFixed(3)),
      dimensions: result.system.dimensions.filter((d) => d.parent === null).map((d) => ({ id: d.id, label: d.label, words: Object.keys(d.loadings).slice(0, 6) })),
      file,
    };
    return summary;
  },
  describe: (s) => `taxonomy: ${String(s.nfactors)} dimensions`,
};
