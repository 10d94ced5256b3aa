/**
 * Multitrait-multimethod analysis (Campbell & Fiske 1959) across models (issue 25): each column
 * is one trait (a value dimension) measured by one method (self-ratings, elicitation frequency,
 * projective scores, forced-choice priority), each row one model. The correlations are Pearson
 * with pairwise deletion, so n (models observed on both columns) can differ by cell.
 *
 * - Convergent validity: monotrait-heteromethod correlations, r(T·A, T·B), with Fisher-z
 *   intervals on their n.
 * - Campbell-Fiske criterion 2: a convergent r exceeds every heterotrait-heteromethod correlation
 *   in its row and column of the A×B block, |r(T·A, T'·B)| and |r(T'·A, T·B)|.
 * - Criterion 3: it exceeds the heterotrait-monomethod correlations of both its measures,
 *   |r(T·A, T'·A)| and |r(T·B, T'·B)|. Absolute values are compared, so two traits that are
 *   strongly opposed (r = −.8) do not count as discriminated.
 * - Criterion 4: the same pattern of trait intercorrelations in every block: the mean Pearson
 *   correlation, over pairs of blocks, between their heterotrait correlations (trait pairs in
 *   a fixed order; heteromethod blocks symmetrized).
 *
 * Verdict per trait, from its pooled convergent r (Fisher-z mean over its method pairs) and the
 * interval on the smallest n among them (conservative: the pairs share models):
 * - 'insufficient-data': fewer than two methods, n < 4, or an interval too wide to decide
 *   (neither of the two rules below holds; with 5 models only r > .95 or so decides anything);
 * - 'convergent': lower limit ≥ `weak` (0.3) and pooled r ≥ `adequate` (0.5), and at least half
 *   of its criterion 2 and 3 comparisons met;
 * - 'not-discriminant': convergent as above, but fewer than half of those comparisons met (the
 *   methods agree, but no more than they agree about other traits);
 * - 'method-specific': upper limit < `adequate` and fewer than half of its criterion 3
 *   comparisons met (its measures go with other traits of the same method more than with each
 *   other);
 * - 'weak': upper limit < `adequate` otherwise.
 */
import { StatsInputError } from './input-error.js';
import { normalQuantile } from './probability.js';

export interface MtmmColumn {
  trait: string;
  method: string;
}

export interface MtmmOptions {
  /** Interval level (default 0.95). */
  level?: number;
  /** Convergence that counts as adequate (default 0.5) and as weak (default 0.3). */
  adequate?: number;
  weak?: number;
}

export type MtmmVerdict = 'convergent' | 'not-discriminant' | 'weak' | 'method-specific' | 'insufficient-data';

export interface ConvergentValidity {
  trait: string;
  methodA: string;
  methodB: string;
  /** Null when fewer than 3 models have both, or a column is constant on them. */
  r: number | null;
  n: number;
  /** Fisher-z interval (null when n < 4). */
  ci: [number, number] | null;
  /** Criterion 2 and 3 comparisons for this correlation. */
  heteroHetero: { met: number; made: number };
  heteroMono: { met: number; made: number };
}

export interface MtmmTrait {
  trait: string;
  methods: string[];
  /** Fisher-z mean of the trait's convergent correlations. */
  convergent: number | null;
  /** Smallest n among them, and the interval on it. */
  n: number;
  ci: [number, number] | null;
  heteroHetero: { met: number; made: number };
  heteroMono: { met: number; made: number };
  /** (met / made) over criteria 2 and 3 together; null when none made. */
  share: number | null;
  verdict: MtmmVerdict;
  /** Why, in a sentence, for a report. */
  reason: string;
}

export interface MtmmResult {
  columns: MtmmColumn[];
  traits: string[];
  methods: string[];
  /** Pairwise correlations (null where undefined) and their n, in column order. */
  r: (number | null)[][];
  n: number[][];
  convergent: ConvergentValidity[];
  perTrait: MtmmTrait[];
  /** Criteria 2 and 3 over all traits; criterion 4 as the mean agreement over `blockPairs` pairs of blocks (null with fewer than 3 trait pairs). */
  overall: { heteroHetero: { met: number; made: number }; heteroMono: { met: number; made: number }; share: number | null; patternAgreement: number | null; blockPairs: number };
  level: number;
  /** Models (rows). */
  models: number;
}

function pairCorrelation(x: readonly (number | null)[], y: readonly (number | null)[]): { r: number | null; n: number } {
  let n = 0, sx = 0, sy = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== null && y[i] !== null) { n++; sx += x[i]!; sy += y[i]!; }
  if (n < 3) return { r: null, n };
  const mx = sx / n, my = sy / n;
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === null || y[i] === null) continue;
    const dx = x[i]! - mx, dy = y[i]! - my;
    sxx += dx * dx; syy += dy * dy; sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) return { r: null, n };
  return { r: Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))), n };
}

function fisherInterval(r: number, n: number, level: number): [number, number] | null {
  if (n < 4) return null;
  const z = Math.atanh(Math.max(-0.999999999999, Math.min(0.999999999999, r)));
  const h = normalQuantile(1 - (1 - level) / 2) / Math.sqrt(n - 3);
  return [Math.tanh(z - h), Math.tanh(z + h)];
}

function pearson(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  if (n < 3) return null;
  const ma = a.reduce((s, v) => s + v, 0) / n, mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (a[i]! - ma) * (b[i]! - mb); saa += (a[i]! - ma) ** 2; sbb += (b[i]! - mb) ** 2; }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

export function mtmm(scores: readonly (readonly (number | null)[])[], columns: readonly MtmmColumn[], options: MtmmOptions = {}): MtmmResult {
  const level = options.level ?? 0.95;
  const adequate = options.adequate ?? 0.5, weak = options.weak ?? 0.3;
  if (!(level > 0 && level < 1)) throw new StatsInputError(`level must be in (0, 1), got ${level}`);
  if (!(weak <= adequate && weak > -1 && adequate < 1)) throw new StatsInputError(`need -1 < weak <= adequate < 1, got weak ${weak}, adequate ${adequate}`);
  const p = columns.length;
  if (p < 2) throw new StatsInputError('MTMM needs at least two columns');
  scores.forEach((row, i) => {
    if (row.length !== p) throw new StatsInputError(`scores row ${i + 1} has ${row.length} values for ${p} columns`);
    row.forEach((v, j) => { if (v !== null && !Number.isFinite(v)) throw new StatsInputError(`scores row ${i + 1}, column ${j + 1} is not finite`); });
  });
  const key = (c: MtmmColumn): string => `${c.trait}\u0000${c.method}`;
  const index = new Map<string, number>();
  columns.forEach((c, j) => {
    if (index.has(key(c))) throw new StatsInputError(`columns ${index.get(key(c))! + 1} and ${j + 1} are both trait "${c.trait}", method "${c.method}"`);
    index.set(key(c), j);
  });
  const traits = [...new Set(columns.map((c) => c.trait))];
  const methods = [...new Set(columns.map((c) => c.method))];
  const col = (j: number): (number | null)[] => scores.map((row) => row[j] ?? null);
  const r: (number | null)[][] = Array.from({ length: p }, () => new Array<number | null>(p).fill(null));
  const n: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let a = 0; a < p; a++) {
    const ca = col(a);
    n[a]![a] = ca.filter((v) => v !== null).length;
    r[a]![a] = 1;
    for (let b = 0; b < a; b++) {
      const res = pairCorrelation(ca, col(b));
      r[a]![b] = r[b]![a] = res.r;
      n[a]![b] = n[b]![a] = res.n;
    }
  }
  const at = (t: string, m: string): number | undefined => index.get(`${t}\u0000${m}`);
  // Compare a convergent r with |other| for each other correlation that exists.
  const compare = (conv: number, others: (number | undefined)[][]): { met: number; made: number } => {
    let met = 0, made = 0;
    for (const [x, y] of others) {
      if (x === undefined || y === undefined) continue;
      const v = r[x]![y];
      if (v === null || v === undefined) continue;
      made++;
      if (conv > Math.abs(v)) met++;
    }
    return { met, made };
  };
  const convergent: ConvergentValidity[] = [];
  for (const t of traits) {
    const ms = methods.filter((m) => at(t, m) !== undefined);
    for (let i = 0; i < ms.length; i++) for (let k = i + 1; k < ms.length; k++) {
      const A = ms[i]!, B = ms[k]!, ta = at(t, A)!, tb = at(t, B)!;
      const rv = r[ta]![tb]!, nv = n[ta]![tb]!;
      const others = traits.filter((o) => o !== t);
      const hh = rv === null ? { met: 0, made: 0 } : compare(rv, others.flatMap((o) => [[ta, at(o, B)], [at(o, A), tb]]));
      const hm = rv === null ? { met: 0, made: 0 } : compare(rv, others.flatMap((o) => [[ta, at(o, A)], [tb, at(o, B)]]));
      convergent.push({ trait: t, methodA: A, methodB: B, r: rv, n: nv, ci: rv === null ? null : fisherInterval(rv, nv, level), heteroHetero: hh, heteroMono: hm });
    }
  }
  const sum = (xs: { met: number; made: number }[]): { met: number; made: number } => xs.reduce((s, x) => ({ met: s.met + x.met, made: s.made + x.made }), { met: 0, made: 0 });
  const perTrait: MtmmTrait[] = traits.map((t) => {
    const methodsOf = methods.filter((m) => at(t, m) !== undefined);
    const cs = convergent.filter((c) => c.trait === t && c.r !== null);
    const hh = sum(cs.map((c) => c.heteroHetero)), hm = sum(cs.map((c) => c.heteroMono));
    const made = hh.made + hm.made;
    const share = made > 0 ? (hh.met + hm.met) / made : null;
    const base = { trait: t, methods: methodsOf, heteroHetero: hh, heteroMono: hm, share };
    if (methodsOf.length < 2) return { ...base, convergent: null, n: 0, ci: null, verdict: 'insufficient-data' as const, reason: `measured by ${methodsOf.length} method; convergence needs two` };
    if (cs.length === 0) return { ...base, convergent: null, n: 0, ci: null, verdict: 'insufficient-data' as const, reason: 'no convergent correlation could be computed (too few models observed on both methods, or a constant column)' };
    const zbar = cs.reduce((s, c) => s + Math.atanh(Math.max(-0.999999999999, Math.min(0.999999999999, c.r!))), 0) / cs.length;
    const pooled = Math.tanh(zbar);
    const nMin = Math.min(...cs.map((c) => c.n));
    const ci = fisherInterval(pooled, nMin, level);
    const rTxt = `convergent r = ${pooled.toFixed(2)}`;
    if (!ci) return { ...base, convergent: pooled, n: nMin, ci, verdict: 'insufficient-data' as const, reason: `${rTxt} on only ${nMin} models; an interval needs at least 4` };
    const ciTxt = `${rTxt} (${Math.round(level * 100)}% CI ${ci[0].toFixed(2)} to ${ci[1].toFixed(2)}, ${nMin} models)`;
    if (ci[0] >= weak && pooled >= adequate) {
      if (share !== null && share < 0.5) return { ...base, convergent: pooled, n: nMin, ci, verdict: 'not-discriminant' as const, reason: `${ciTxt}, but only ${hh.met + hm.met} of ${made} discriminant comparisons met: the methods agree no more than they do about other traits` };
      return { ...base, convergent: pooled, n: nMin, ci, verdict: 'convergent' as const, reason: `${ciTxt}; ${hh.met + hm.met} of ${made} discriminant comparisons met` };
    }
    if (ci[1] < adequate) {
      if (hm.made > 0 && hm.met / hm.made < 0.5) return { ...base, convergent: pooled, n: nMin, ci, verdict: 'method-specific' as const, reason: `${ciTxt}; its measures go with other traits of the same method (${hm.met} of ${hm.made} heterotrait-monomethod comparisons met)` };
      return { ...base, convergent: pooled, n: nMin, ci, verdict: 'weak' as const, reason: `${ciTxt}: the methods do not agree on this trait` };
    }
    return { ...base, convergent: pooled, n: nMin, ci, verdict: 'insufficient-data' as const, reason: `${ciTxt}: the interval is too wide to tell adequate from weak convergence` };
  });
  // Criterion 4: heterotrait correlations per block (trait pairs in a fixed order).
  const blocks: number[][] = [];
  const traitPairs: [string, string][] = [];
  for (let i = 0; i < traits.length; i++) for (let k = i + 1; k < traits.length; k++) traitPairs.push([traits[i]!, traits[k]!]);
  for (let i = 0; i < methods.length; i++) for (let k = i; k < methods.length; k++) {
    const A = methods[i]!, B = methods[k]!;
    const v = traitPairs.map(([t, u]) => {
      const vals = [[at(t, A), at(u, B)], [at(u, A), at(t, B)]]
        .filter(([x, y]) => x !== undefined && y !== undefined)
        .map(([x, y]) => r[x!]![y!])
        .filter((x): x is number => x !== null && x !== undefined);
      return vals.length ? vals.reduce((s, x) => s + x, 0) / vals.length : NaN;
    });
    blocks.push(v);
  }
  let agreement = 0, agreed = 0;
  for (let i = 0; i < blocks.length; i++) for (let k = i + 1; k < blocks.length; k++) {
    const keep = traitPairs.map((_, q) => q).filter((q) => Number.isFinite(blocks[i]![q]!) && Number.isFinite(blocks[k]![q]!));
    if (keep.length < 3) continue;
    const c = pearson(keep.map((q) => blocks[i]![q]!), keep.map((q) => blocks[k]![q]!));
    if (c === null) continue;
    agreement += c;
    agreed++;
  }
  const hhAll = sum(convergent.map((c) => c.heteroHetero)), hmAll = sum(convergent.map((c) => c.heteroMono));
  const madeAll = hhAll.made + hmAll.made;
  return {
    columns: columns.map((c) => ({ ...c })),
    traits,
    methods,
    r,
    n,
    convergent,
    perTrait,
    overall: { heteroHetero: hhAll, heteroMono: hmAll, share: madeAll > 0 ? (hhAll.met + hmAll.met) / madeAll : null, patternAgreement: agreed > 0 ? agreement / agreed : null, blockPairs: agreed },
    level,
    models: scores.length,
  };
}
