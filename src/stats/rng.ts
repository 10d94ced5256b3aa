/**
 * Seeded pseudo-random numbers for everything stochastic in the statistics (parallel analysis,
 * bootstrap, k-means++ restarts, permutation tests), so a result is reproducible from its seed.
 * xoshiro128** (32-bit state words, fast in JS), seeded through splitmix32.
 */
import { createHash } from 'node:crypto';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal deviate. */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** A new independent stream derived from this one. */
  fork(): Rng;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number): Rng {
  const sm = splitmix32(Math.floor(seed) ^ 0x5bd1e995);
  let s0 = sm(), s1 = sm(), s2 = sm(), s3 = sm();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  let spare: number | undefined;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const next = (): number => {
    // 53-bit uniform from two 32-bit draws.
    const hi = nextU32() >>> 5, lo = nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  };
  const rng: Rng = {
    next,
    normal() {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      let u = 0, v = 0, s = 0;
      do {
        u = next() * 2 - 1;
        v = next() * 2 - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const m = Math.sqrt((-2 * Math.log(s)) / s);
      spare = v * m;
      return u * m;
    },
    int(n: number) {
      return Math.floor(next() * n);
    },
    fork() {
      return createRng(nextU32());
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Fisher-Yates shuffle of `items` in place with `rng` (last position first), returned for chaining. */
export function shuffleInPlace<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

/**
 * A generator seeded by a string key (the SHA-256 of its parts): the same key gives the same draws,
 * so a stage can randomise per model, respondent or request and still be reproducible.
 */
export function rngFor(...parts: string[]): Rng {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return createRng(h.readUInt32LE(0) ^ h.readUInt32LE(4));
}
