/**
 * Turning a model's free-text answer to "what do you value?" into value descriptors: single words
 * or short phrases, in the order given. Accepts JSON (also inside code fences), numbered and
 * bulleted lists, one-word-per-line answers, comma lists and prose. Explanations after a dash,
 * colon or parenthesis are stripped; refusals, non-English answers and junk items are returned as
 * rejects with a reason (the caller stores them, so nothing is silently dropped). Answers are
 * untrusted text: an item holding a URL (`javascript:alert(1)` would otherwise give "javascript")
 * or code (markup, calls, SQL, shell), a programming word, or assistant boilerplate ("as an AI
 * assistant") is rejected as such, never counted as a value.
 */
import { stripEscapes } from '../core/terminal.js';
import { isNonEnglish, isRefusal } from './refusal.js';
import { ADJ_TO_NOUN, VALUE_ADJECTIVES, VALUE_NOUNS } from './morphology.js';

export type ResponseFormat = 'json' | 'table' | 'list' | 'lines' | 'comma' | 'prose';
export type ResponseReject = 'empty' | 'refusal' | 'non-english' | 'no-values';
export type ItemReject = 'junk' | 'too-long' | 'stopword' | 'non-english' | 'url' | 'code' | 'boilerplate';

export interface ParsedItem {
  /** 0-based order in the answer. */
  position: number;
  /** The item as it appeared (list line, JSON string, comma chunk or prose word). */
  raw: string;
  /** The cleaned candidate (lowercase, explanation and filler stripped), when accepted. */
  descriptor?: string;
  reject?: ItemReject;
}

export interface ParsedResponse {
  format: ResponseFormat | undefined;
  items: ParsedItem[];
  /** Set when the whole answer yields no values, with the reason. */
  reject?: ResponseReject;
  /**
   * Prose answers: the words (lowercase) whose presence in `ParseOptions.vocabulary` decided
   * whether they were mined, i.e. those the built-in vocabulary and suffixes left open. The answer
   * parses the same under any vocabulary that agrees with the one used on these words.
   */
  vocabularyWords?: string[];
}

const MAX_WORDS = 4;

const LIST_MARKER = /^(\s*)(?:#{1,6}\s*)?(?:[-*•·+▪‣◦–—]|\(?\d{1,3}[.):]|\(?[a-zA-Z][.)])\s+(.+)$/;

/** Filler that frames a value without being one ("being honest", "to be helpful"). */
const LEADING_FILLER = /^(?:(?:i|we)\s+(?:value|prioriti[sz]e|strive for|aim for|try to be|am|aim to be|strive to be)\s+|i'm\s+|to be\s+|being\s+|be\s+|always\s+|a\s+|an\s+|the\s+|my\s+|our\s+|very\s+|strong\s+|deep\s+|commitment to\s+)+/;

const STOP_DESCRIPTORS = new Set([
  'value', 'values', 'word', 'words', 'none', 'n/a', 'na', 'etc', 'sure', 'here', 'list', 'yes', 'no', 'ok', 'okay', 'thanks',
  'thank you', 'ai', 'assistant', 'ai assistant', 'i', 'me', 'things', 'others', 'more', 'other', 'and', 'or', 'the', 'certainly',
  'of course', 'absolutely', 'following', 'core values', 'my values', 'key values', 'principles', 'qualities', 'traits', 'virtues',
  'answer', 'response', 'user', 'users', 'people', 'human', 'humans', 'model', 'language model', 'note', 'example', 'hope this helps',
]);

/** A URL or a script/data URI anywhere in an item. */
const URL_LIKE = /\b(?:https?|ftp|file|wss?):\/\/|\b(?:javascript|vbscript|livescript)\s*:|\bdata:[a-z]+\/[a-z0-9.+-]+[;,]|\bmailto:\S|\bwww\.[a-z0-9-]+\.[a-z]/i;
/** Code in an item: markup, braces, arrows, calls, template syntax, SQL or shell commands. */
const CODE_LIKE: RegExp[] = [
  /<\/?[a-z!][^>]*>/i,
  /[{}]|=>|\$\(|\$\{|\w\(.*\)/,
  /\bon[a-z]+\s*=|\b(?:console|document|window|process|os|sys)\.[a-z_]/i,
  /\b(?:select\s+\S.*\s+from|insert\s+into|drop\s+table|delete\s+from|union\s+select)\b/i,
  /(?:^|[\s;&|])(?:rm\s+-|sudo\s|curl\s|wget\s|chmod\s|bash\s+-|powershell\s)/i,
];
/** Words of code and the web that answers to a question about values can carry but that are no values. */
const CODE_WORDS = new Set([
  'javascript', 'vbscript', 'script', 'scripts', 'python', 'html', 'css', 'sql', 'php', 'java', 'typescript', 'bash', 'shell', 'json',
  'xml', 'function', 'console', 'alert', 'eval', 'onerror', 'onload', 'http', 'https', 'www', 'url', 'localhost', 'null', 'undefined',
  'nan', 'true', 'false', 'src', 'href', 'iframe', 'img', 'div', 'body', 'token', 'password', 'api key',
]);
/** Assistant boilerplate: the model talking about itself, not naming a value. */
const BOILERPLATE = /^as an?\b|\b(?:language model|ai assistant|ai model|ai system|chatbot|virtual assistant|large language|openai|anthropic)\b|\b(?:i|i'm|i am|i do|don't|do not|cannot|can't)\b/;

/** Why a raw item is not a value at all (a URL or code), before any cleaning can hide it. */
function hostileItem(raw: string): ItemReject | undefined {
  if (URL_LIKE.test(raw)) return 'url';
  if (CODE_LIKE.some((re) => re.test(raw))) return 'code';
  return undefined;
}

/** Words with value-noun suffixes that are not values; used only when mining prose. */
const PROSE_STOP = new Set([
  'society', 'community', 'ability', 'activity', 'entity', 'identity', 'majority', 'minority', 'reality', 'possibility', 'capability',
  'opportunity', 'personality', 'university', 'priority', 'priorities', 'variety', 'authority', 'complexity', 'capacity', 'functionality',
  'necessity', 'probability', 'facility', 'city', 'quantity', 'business', 'witness', 'experience', 'difference', 'sentence',
  'reference', 'evidence', 'audience', 'presence', 'existence', 'influence', 'science', 'conference', 'sequence', 'consequence',
  'occurrence', 'preference', 'instance', 'importance', 'performance', 'substance', 'distance', 'appearance', 'assistance', 'party',
  'property', 'plenty', 'pretty', 'empty', 'twenty', 'thirty', 'forty', 'fifty', 'mechanism', 'organism', 'agency', 'currency',
  'tendency', 'frequency', 'emergency', 'healthy', 'worthy', 'entirety', 'anxiety', 'penalty', 'certainty', 'ambiguity', 'eternity',
  'majesty', 'royalty', 'novelty', 'difficulty', 'faculty', 'cruelty', 'poverty', 'variance', 'relevance', 'ordinance', 'guidance',
  'maintenance', 'compliance', 'occupancy', 'pregnancy', 'legacy', 'conspiracy', 'diplomacy', 'bureaucracy', 'supremacy', 'ness',
  'specialty', 'casualty', 'liability', 'vulnerability', 'disability', 'stability', 'sensitivity', 'quality', 'qualities',
]);

const SUBJECTS = new Set(['i', 'we', 'you', 'they', 'to']);
const ADVERBS = new Set(['also', 'really', 'deeply', 'truly', 'always', 'do', 'genuinely', 'strongly']);

const PROSE_SUFFIX = /(?:ness|ity|ence|ance|ency|ancy|acy|thy)$/;

function wordCount(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}

function stripMarkdown(s: string): string {
  return s
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~#>]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The value part of a list item: the bold head if any, else the text before any explanation. */
export function itemHead(item: string): string {
  let s = item.trim().replace(/^(?:\*\*|__)?(?:core |key )?(?:value|trait|quality|principle|virtue)\s*\d*\s*:\s*(?:\*\*|__)?\s*/i, '');
  const bold = /^(?:\*\*|__)([^*_]+?)(?:\*\*|__)/.exec(s);
  if (bold) s = bold[1]!;
  s = stripMarkdown(s);
  s = s.split(/\s+[-–—]+\s+|\s*[–—]\s*|:\s*|\s*\(|\.\s|;|\s+(?:because|which|that|so that|means|meaning|i\.e\.|e\.g\.|as|when|in|to ensure|ensuring)\s/i)[0] ?? '';
  return s.replace(/^["'“‘\s]+|["'”’.,!?\s]+$/g, '').trim();
}

/** Split "honesty and transparency" / "honesty/transparency" into parts when each part is short. */
function splitConjunction(s: string): string[] {
  const parts = s.split(/\s*(?:\band\b|&|\/|\+|,)\s*/i).map((p) => p.trim()).filter(Boolean);
  if (parts.length > 1 && parts.every((p) => wordCount(p) <= 3)) return parts;
  return [s];
}

const TRAILING_PREPOSITION = /^(?:with|to|toward|towards|in|about|for|of|when|at|on)$/;

function cleanCandidate(s: string): { descriptor?: string; reject?: ItemReject } {
  let d = s
    .toLowerCase()
    .replace(/[\p{Extended_Pictographic}\p{So}\uFE0F\u200D]/gu, '')
    .replace(/[’`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  d = d.replace(LEADING_FILLER, '').replace(/^["'\s]+|["'.,!?;:\s]+$/g, '').trim();
  // "honest with users", "kind to everyone": the adjective is the value, the rest is context.
  const words = d.split(' ');
  if (words.length > 1 && (VALUE_ADJECTIVES.has(words[0]!) || ADJ_TO_NOUN[words[0]!] !== undefined) && TRAILING_PREPOSITION.test(words[1]!)) d = words[0]!;
  if (/[^\x00-\x7F]/.test(d) && /\p{L}/u.test(d) && !/^[\p{Script=Latin}' -]+$/u.test(d)) return { reject: 'non-english' };
  if (!/^\p{L}[\p{L}' -]*\p{L}$/u.test(d) || d.replace(/[^\p{L}]/gu, '').length < 3) return { reject: 'junk' };
  if (wordCount(d) > MAX_WORDS) return { reject: 'too-long' };
  if (STOP_DESCRIPTORS.has(d)) return { reject: 'stopword' };
  if (CODE_WORDS.has(d)) return { reject: 'code' };
  if (BOILERPLATE.test(d)) return { reject: 'boilerplate' };
  return { descriptor: d };
}

type ItemPart = { descriptor?: string; reject?: ItemReject };

/**
 * What one raw item reads as, by the raw text and how its head is taken. Models repeat the same
 * item lines ("1. **Honesty**", "- Kindness") across thousands of answers, so each distinct line
 * is read once; the memo is bounded (cleared when full), the reading a pure function of the line.
 */
const itemMemo = new Map<string, readonly ItemPart[]>();
/** The same for the single words mined from prose. */
const proseWordMemo = new Map<string, ItemPart>();
const MEMO_MAX = 50_000;

/** `memo`'s value for `key`, made once; a full memo is cleared rather than grown. */
function remembered<V>(memo: Map<string, V>, key: string, make: () => V): V {
  let value = memo.get(key);
  if (value === undefined) {
    value = make();
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(key, value);
  }
  return value;
}

function itemParts(raw: string, json: boolean): readonly ItemPart[] {
  return remembered(itemMemo, (json ? 'j' : 'l') + raw, () => {
    const hostile = hostileItem(raw);
    return hostile ? [{ reject: hostile }] : splitConjunction(json ? stripMarkdown(raw) : itemHead(raw)).map(cleanCandidate);
  });
}

function pushItems(out: ParsedItem[], raw: string, json: boolean): void {
  for (const c of itemParts(raw, json)) out.push({ position: out.length, raw, ...c });
}

// ---- JSON ------------------------------------------------------------------------------------

const NAME_FIELDS = ['value', 'name', 'word', 'term', 'descriptor', 'title', 'label', 'trait', 'quality'];

function stringsFromJson(v: unknown): string[] | undefined {
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) {
      if (typeof x === 'string') out.push(x);
      else if (x && typeof x === 'object') {
        const rec = x as Record<string, unknown>;
        const key = NAME_FIELDS.find((k) => typeof rec[k] === 'string');
        if (key) out.push(rec[key] as string);
      }
    }
    return out.length > 0 ? out : undefined;
  }
  if (v && typeof v === 'object') {
    const rec = v as Record<string, unknown>;
    for (const val of Object.values(rec)) {
      if (Array.isArray(val)) {
        const inner = stringsFromJson(val);
        if (inner) return inner;
      }
    }
    // {"honesty": "why...", "kindness": "why..."}: the keys are the values.
    const keys = Object.keys(rec);
    if (keys.length > 0 && Object.values(rec).every((x) => typeof x === 'string')) return keys;
  }
  return undefined;
}

function tryJson(text: string): string[] | undefined {
  const candidates: string[] = [];
  const fence = /```[a-zA-Z]*\s*\n?([\s\S]*?)```/g;
  for (let m = fence.exec(text); m; m = fence.exec(text)) candidates.push(m[1]!.trim());
  const a = text.indexOf('[');
  const b = text.lastIndexOf(']');
  if (a >= 0 && b > a) candidates.push(text.slice(a, b + 1));
  const c = text.indexOf('{');
  const d = text.lastIndexOf('}');
  if (c >= 0 && d > c) candidates.push(text.slice(c, d + 1));
  for (const cand of candidates) {
    if (!/^[[{]/.test(cand)) continue;
    try {
      const strings = stringsFromJson(JSON.parse(cand));
      if (strings) return strings;
    } catch {
      // Not JSON (or truncated): fall through to the other formats.
    }
  }
  return undefined;
}

// ---- lists -----------------------------------------------------------------------------------

function listItems(lines: string[]): string[] {
  const found: Array<{ indent: number; text: string }> = [];
  for (const line of lines) {
    const m = LIST_MARKER.exec(line);
    if (m) found.push({ indent: m[1]!.replace(/\t/g, '    ').length, text: m[2]! });
  }
  if (found.length === 0) return [];
  // Nested bullets under an item are explanations of it: keep the shallowest level only.
  const top = Math.min(...found.map((f) => f.indent));
  return found.filter((f) => f.indent <= top + 1).map((f) => f.text);
}

function boldLed(lines: string[]): string[] {
  return lines.filter((l) => /^\s*(?:\*\*|__)[^*_\n]{2,60}(?:\*\*|__)/.test(l)).map((l) => l.trim());
}

function shortLines(lines: string[]): string[] | undefined {
  const body = lines.map((l) => stripMarkdown(l)).filter((l) => l.length > 0 && !/:$/.test(l));
  if (body.length < 3) return undefined;
  const short = body.filter((l) => wordCount(itemHead(l)) <= MAX_WORDS && wordCount(l) <= 12);
  return short.length >= 0.8 * body.length ? short : undefined;
}

function commaItems(text: string): string[] | undefined {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n|\n/)) {
    let p = stripMarkdown(para);
    const colon = p.lastIndexOf(':');
    if (colon >= 0) p = p.slice(colon + 1);
    const chunks = p
      .replace(/\.\s*$/, '')
      .split(/\s*[,;]\s*|\s+and\s+(?=\S+[.!]?$)/)
      .map((c) => c.replace(/^(?:and|or)\s+/i, '').trim())
      .filter(Boolean);
    if (chunks.length >= 3 && chunks.filter((c) => wordCount(c) <= 3).length >= 0.7 * chunks.length) out.push(...chunks);
  }
  return out.length >= 3 ? out : undefined;
}

/** First cells of a markdown table's body rows (the header row names the columns). */
function tableItems(lines: string[]): string[] | undefined {
  const rows = lines.filter((l) => /^\s*\|.*\|\s*$/.test(l));
  const sep = rows.findIndex((r) => /^\s*\|(?:\s*:?-{2,}:?\s*\|)+\s*$/.test(r));
  if (rows.length < 3 || sep < 0) return undefined;
  const body = rows.slice(sep + 1).map((r) => r.split('|')[1]?.trim() ?? '').filter(Boolean);
  return body.length > 0 ? body : undefined;
}

/**
 * What the model said as its answer: reasoning blocks (<think>...</think>) removed, and for base
 * models that run on into a new "Question:" turn, the text before it.
 */
export function answerText(text: string): string {
  return text
    .replace(/<think(?:ing)?>[\s\S]*?(?:<\/think(?:ing)?>|$)/gi, '')
    .split(/\n\s*(?:Question|Q|User|Human|USER)\s*\d*\s*:/)[0]!
    .trim();
}

// ---- prose -----------------------------------------------------------------------------------

/** The words of a prose answer, as mining reads them (URLs and code are no prose). */
function proseWords(text: string): string[] {
  // URLs and code are no prose: their words ("javascript", "function") are not mined.
  const prose = text
    .split(/\s+/)
    .filter((w) => !hostileItem(w))
    .join(' ');
  return stripMarkdown(prose).match(/[A-Za-z](?:[A-Za-z'-]*[A-Za-z])?/g) ?? [];
}

/**
 * Value words in prose: words of the built-in value vocabulary, words with a value-noun suffix, and
 * words of `vocabulary` (in a study, the words its models named in list answers: prose mining by a
 * fixed vocabulary alone would miss "joy" or "faith" in every prose answer while list answers name
 * them, and the prompts that invite prose would then form a spurious factor of their own). Words
 * the vocabulary decided go to `consulted`.
 */
function proseItems(words: readonly string[], vocabulary: ReadonlySet<string> | undefined, consulted: Set<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const lw = w.toLowerCase();
    if (seen.has(lw) || PROSE_STOP.has(lw)) continue;
    // "I care deeply", "we also value": a verb after a subject, not a value noun.
    const prev = words[i - 1]?.toLowerCase() ?? '';
    const prev2 = words[i - 2]?.toLowerCase() ?? '';
    if (SUBJECTS.has(prev) || (ADVERBS.has(prev) && SUBJECTS.has(prev2))) continue;
    const settled = VALUE_NOUNS.has(lw) || VALUE_ADJECTIVES.has(lw) || (lw.length >= 6 && PROSE_SUFFIX.test(lw) && !lw.includes("'"));
    if (!settled) consulted.add(lw);
    if (settled || vocabulary?.has(lw) === true) {
      seen.add(lw);
      out.push(w);
    }
  }
  return out;
}

// ---- entry point -----------------------------------------------------------------------------

export interface ParseOptions {
  /** Extra single words (lowercase) that count as value words when mining prose. */
  vocabulary?: ReadonlySet<string>;
}

/** An answer read as far as no vocabulary matters: its text, and its format and items or its prose words. */
type Reading =
  | { kind: 'empty' }
  | { kind: 'items'; t: string; format: Exclude<ResponseFormat, 'prose'>; rawItems: string[] }
  | { kind: 'prose'; t: string; nonEnglish: boolean; words: string[]; refusal?: boolean };

function readAnswer(text: string): Reading {
  // Terminal escapes (ESC [2J, OSC 52...) and the marks left where a secret was redacted are not
  // part of any word: removed before reading.
  const t = answerText(stripEscapes(text.normalize('NFKC')).replace(/[ \t]*\[REDACTED\]/g, ''));
  if (t.length === 0) return { kind: 'empty' };
  const json = tryJson(t);
  if (json) return { kind: 'items', t, format: 'json', rawItems: json };
  const lines = t.replace(/```[a-zA-Z]*/g, '').split('\n');
  const table = tableItems(lines);
  if (table) return { kind: 'items', t, format: 'table', rawItems: table };
  const list = listItems(lines);
  if (list.length >= 2) return { kind: 'items', t, format: 'list', rawItems: list };
  // "**Honesty** - I try to ...": paragraphs led by a bold value, without list markers.
  const bold = boldLed(lines);
  if (bold.length >= 2) return { kind: 'items', t, format: 'list', rawItems: bold };
  const comma = commaItems(t);
  if (comma) return { kind: 'items', t, format: 'comma', rawItems: comma };
  const short = shortLines(lines);
  if (short) return { kind: 'items', t, format: 'lines', rawItems: short };
  const nonEnglish = isNonEnglish(t);
  return { kind: 'prose', t, nonEnglish, words: nonEnglish ? [] : proseWords(t) };
}

/**
 * The last answer read: the elicit stage parses a prose answer twice in a row (without the study
 * vocabulary, to judge refusals, then with it), and the second time only the mining is new.
 */
let lastRead: { text: string; reading: Reading } | undefined;

/** Parse one answer into value descriptors (accepted items) and rejects, each with its raw text. */
export function parseElicitation(text: string, opts: ParseOptions = {}): ParsedResponse {
  const reading = lastRead?.text === text ? lastRead.reading : readAnswer(text);
  lastRead = { text, reading };
  if (reading.kind === 'empty') return { format: undefined, items: [], reject: 'empty' };

  if (reading.kind === 'items') {
    const { t, format, rawItems } = reading;
    if (isNonEnglish(rawItems.join(' '))) return { format, items: [], reject: 'non-english' };
    const items: ParsedItem[] = [];
    for (const raw of rawItems) pushItems(items, raw, format === 'json');
    if (items.some((i) => i.descriptor)) return { format, items };
    if (isRefusal(t)) return { format, items, reject: 'refusal' };
    return { format, items, reject: 'no-values' };
  }

  if (reading.nonEnglish) return { format: 'prose', items: [], reject: 'non-english' };
  const items: ParsedItem[] = [];
  const consulted = new Set<string>();
  for (const w of proseItems(reading.words, opts.vocabulary, consulted)) {
    const c = remembered(proseWordMemo, w, () => cleanCandidate(w));
    items.push({ position: items.length, raw: w, ...c });
  }
  const accepted = items.filter((i) => i.descriptor).length;
  const vocabularyWords = [...consulted];
  // "As an AI I don't have values, but I strive for accuracy and helpfulness" still names values.
  if (accepted < 2 && (reading.refusal ??= isRefusal(reading.t))) return { format: 'prose', items, reject: 'refusal', vocabularyWords };
  if (accepted === 0) return { format: 'prose', items, reject: 'no-values', vocabularyWords };
  return { format: 'prose', items, vocabularyWords };
}
