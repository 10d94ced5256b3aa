/**
 * Normalising value descriptors to one form per value: lowercase, American spelling, lemma
 * (wink-nlp), and adjective/adverb -> value noun ("honestly", "honest", "honesty" -> "honesty").
 * Hyphen and space variants ("well-being", "well being", "wellbeing") share one merge key; the
 * lexicon shows the most frequent surface form for each key.
 *
 * Lemmatization is cached per token: a study repeats the same few hundred words tens of thousands
 * of times, so wink runs once per distinct word.
 */
import { createRequire } from 'node:module';
import type winkNLP from 'wink-nlp';
import { bundledLemmaTable, type Lemma, type LemmaTable, type LemmaTableHeader } from './lemma-table.js';
import { ADJ_TO_NOUN, BRITISH_TO_AMERICAN, adverbBases, knownNounSet, nounCandidates } from './morphology.js';

export interface NormalizedDescriptor {
  /** The normalized surface form ("honesty", "open-mindedness", "respect for autonomy"). */
  descriptor: string;
  /** Hyphen/space-insensitive merge key ("openmindedness"). */
  key: string;
}

/** The key that makes hyphen, space and closed-compound spellings one term. */
export function termKey(descriptor: string): string {
  return descriptor.replace(/[\s-]+/g, '');
}

type Nlp = ReturnType<typeof winkNLP>;
let sharedNlp: Nlp | undefined;
const require = createRequire(import.meta.url);
/** wink and its model load on first use (about 0.3 s), not when a command merely imports the library. */
function nlp(): Nlp {
  if (!sharedNlp) {
    const wink = require('wink-nlp') as typeof winkNLP;
    sharedNlp = wink(require('wink-eng-lite-web-model') as Parameters<typeof winkNLP>[0]);
  }
  return sharedNlp;
}

/** The versions of the installed wink packages (what the shipped lemma table must have been made with). */
export function installedWink(): LemmaTableHeader {
  const version = (name: string): string => (require(`${name}/package.json`) as { version: string }).version;
  return { winkNlp: version('wink-nlp'), model: version('wink-eng-lite-web-model') };
}

/**
 * wink's lemma and part of speech of one token read alone, out of context (so the answer depends
 * on the token only, and scripts/lemma-table.mjs can compute it ahead of time).
 */
export function winkLemma(token: string): Lemma {
  const n = nlp();
  const toks = n.readDoc(token).tokens();
  // A hyphenated word can come back as several tokens: its lemma is the word itself then.
  // (wink's typings declare `its.lemma` with an add-on parameter that `out` does not accept.)
  return toks.length() === 1
    ? { lemma: String(toks.out(n.its.lemma as never)[0] ?? token), pos: String(toks.out(n.its.pos)[0] ?? 'X') }
    : { lemma: token, pos: 'X' };
}

export class DescriptorNormalizer {
  private readonly lemmas = new Map<string, Lemma>();
  private readonly results = new Map<string, NormalizedDescriptor>();
  private readonly nouns: ReadonlySet<string>;

  private readonly table: LemmaTable | null;

  /**
   * `lemmaTable`: the precomputed lemmas to consult before wink (default: the shipped table, when
   * it matches the installed wink); null asks wink for every word.
   */
  constructor(opts: { knownNouns?: ReadonlySet<string>; lemmaTable?: LemmaTable | null } = {}) {
    this.nouns = opts.knownNouns ?? knownNounSet();
    this.table = opts.lemmaTable !== undefined ? opts.lemmaTable : bundledLemmaTable(installedWink);
  }

  /** Normalize a cleaned descriptor (as produced by the parser). Cached per input string. */
  normalize(candidate: string): NormalizedDescriptor {
    const hit = this.results.get(candidate);
    if (hit) return hit;
    const descriptor = this.compute(candidate);
    const out = { descriptor, key: termKey(descriptor) };
    this.results.set(candidate, out);
    return out;
  }

  private lemma(token: string): Lemma {
    let l = this.lemmas.get(token);
    if (!l) {
      l = this.table?.get(token) ?? winkLemma(token);
      this.lemmas.set(token, l);
    }
    return l;
  }

  private spell(token: string): string {
    const direct = BRITISH_TO_AMERICAN[token];
    if (direct) return direct;
    if (token.endsWith('isation')) return `${token.slice(0, -7)}ization`;
    return token
      .split('-')
      .map((p) => BRITISH_TO_AMERICAN[p] ?? p)
      .join('-');
  }

  /** The first suffix-rule noun that is a real word, else undefined. */
  private derive(adj: string): string | undefined {
    const mapped = ADJ_TO_NOUN[adj];
    if (mapped) return mapped;
    return nounCandidates(adj).find((c) => this.nouns.has(c));
  }

  private single(token: string): string {
    const mapped = ADJ_TO_NOUN[token];
    if (mapped) return mapped;
    // Already a noun we know (ethics, politics, honesty): keep as is, do not singularise "ethics".
    if (this.nouns.has(token)) return token;
    const { lemma, pos } = this.lemma(token);
    if (pos === 'NOUN' || pos === 'PROPN') {
      if (lemma !== token && (this.nouns.has(lemma) || !token.endsWith('ss'))) return ADJ_TO_NOUN[lemma] ?? lemma;
      // wink tags some adjectives as nouns out of context ("kind"): the explicit map caught those.
      return token;
    }
    if (pos === 'ADV' || (token.endsWith('ly') && pos !== 'ADJ')) {
      for (const base of adverbBases(token)) {
        const noun = this.derive(base);
        if (noun) return noun;
      }
      return token;
    }
    if (pos === 'ADJ') return this.derive(token) ?? token;
    if (pos === 'VERB' || pos === 'AUX') return ADJ_TO_NOUN[lemma] ?? lemma;
    return token;
  }

  private compute(candidate: string): string {
    const text = candidate
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[’`]/g, "'")
      .replace(/\s*-\s*/g, '-')
      .replace(/\s+/g, ' ')
      .trim();
    const whole = ADJ_TO_NOUN[text];
    if (whole) return whole;
    const tokens = text.split(' ').map((t) => this.spell(t));
    const spelled = tokens.join(' ');
    const mapped = ADJ_TO_NOUN[spelled];
    if (mapped) return mapped;
    if (tokens.length === 1) return this.single(tokens[0]!);
    return spelled;
  }
}

/** A process-wide normalizer (its caches are what make 50,000 responses take seconds). */
let shared: DescriptorNormalizer | undefined;
export function normalizeDescriptor(candidate: string): NormalizedDescriptor {
  shared ??= new DescriptorNormalizer();
  return shared.normalize(candidate);
}
