/**
 * Conversion of the wink-embeddings JSON (300 MB of text) into the binary GloVe cache, by
 * streaming: the file is read in 1 MB chunks through a small JSON tokenizer, so the text is never
 * held whole and never becomes a JavaScript object tree (parsing it with `JSON.parse` peaked at
 * 1.1-1.3 GB resident). The vectors come keyed by word in no particular order, so each row is
 * written at its rank's place in a scratch file beside the output (for files; in memory for
 * small inputs), never in a 140 MB matrix in memory: a first demo converts the table while its
 * study is running.
 *
 * The JSON layout: `{"dimensions": d, "words": [...frequency-ranked...], "vectors": {"w": [d
 * values, L2 norm, word index], ...}, ...}`; any other key is skipped. `dimensions` and `words` must
 * come before `vectors` (they do in the package); otherwise the conversion fails clearly rather
 * than buffering the vectors.
 *
 * Binary layout (little-endian): magic "VLGLOVE1" (8 bytes), uint32 dimension, uint32 word count,
 * uint32 vocabulary byte length, the vocabulary as UTF-8 words joined by "\n", zero padding to a
 * multiple of 4, then the word-major Float32 matrix (count × dimension). Words keep the order of
 * `words` (frequency rank), which the phrase weighting relies on.
 */
import { closeSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { EmbeddingError } from './types.js';

export const GLOVE_MAGIC = 'VLGLOVE1';
export const GLOVE_HEADER_BYTES = 8 + 12;

/** A source of bytes read front to back in chunks. */
interface ByteSource {
  /** The next chunk, or undefined at the end. */
  read(): Buffer | undefined;
}

function fileSource(fd: number, chunkBytes: number): ByteSource {
  const chunk = Buffer.allocUnsafe(chunkBytes);
  return {
    read() {
      const n = readSync(fd, chunk, 0, chunkBytes, null);
      return n === 0 ? undefined : chunk.subarray(0, n);
    },
  };
}

function bufferSource(buf: Buffer): ByteSource {
  let done = false;
  return {
    read() {
      if (done) return undefined;
      done = true;
      return buf;
    },
  };
}

const enum Ch {
  Quote = 0x22, Backslash = 0x5c, Comma = 0x2c, Colon = 0x3a, LBrace = 0x7b, RBrace = 0x7d, LBracket = 0x5b, RBracket = 0x5d,
  Minus = 0x2d, Plus = 0x2b, Dot = 0x2e, Zero = 0x30, Nine = 0x39, LowerE = 0x65, UpperE = 0x45,
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A pull tokenizer over a ByteSource: just enough JSON for the wink layout (objects, arrays,
 * strings with escapes, numbers, literals), with numbers parsed in place. A number with at most
 * 15 significant digits and no exponent is `mantissa / 10^k` (both exact doubles, one correctly
 * rounded division: the same double `JSON.parse` gives); anything else goes through `Number`.
 */
class JsonScanner {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private offset = 0; // bytes consumed before `buf`, for error messages
  private ended = false;

  constructor(private readonly source: ByteSource, private readonly name: string) {}

  private fill(): boolean {
    if (this.ended) return false;
    const next = this.source.read();
    if (!next) {
      this.ended = true;
      return false;
    }
    this.offset += this.buf.length;
    this.buf = next;
    this.pos = 0;
    return true;
  }

  private fail(what: string): never {
    throw new EmbeddingError(`glove: ${this.name} at byte ${this.offset + this.pos}: ${what} (not the wink-embeddings layout)`);
  }

  /** The next non-whitespace byte without consuming it; -1 at the end. */
  peek(): number {
    for (;;) {
      while (this.pos < this.buf.length) {
        const c = this.buf[this.pos]!;
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
        else return c;
      }
      if (!this.fill()) return -1;
    }
  }

  expect(c: number): void {
    if (this.peek() !== c) this.fail(`expected "${String.fromCharCode(c)}"`);
    this.pos++;
  }

  /** Consume `c` if it is next. */
  accept(c: number): boolean {
    if (this.peek() !== c) return false;
    this.pos++;
    return true;
  }

  string(): string {
    this.expect(Ch.Quote);
    const parts: Buffer[] = [];
    let escaped = false;
    let inEscape = false;
    let start = this.pos;
    for (;;) {
      if (this.pos >= this.buf.length) {
        // The chunk ends inside the string: keep a copy (the chunk buffer is reused) and go on.
        parts.push(Buffer.from(this.buf.subarray(start)));
        if (!this.fill()) this.fail('unterminated string');
        start = 0;
        continue;
      }
      const c = this.buf[this.pos++]!;
      if (inEscape) inEscape = false;
      else if (c === Ch.Backslash) inEscape = escaped = true;
      else if (c === Ch.Quote) {
        parts.push(this.buf.subarray(start, this.pos - 1));
        const raw = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        // Escapes are rare (a few words of the vocabulary): JSON.parse decodes those.
        return escaped ? (JSON.parse(`"${raw.toString('utf8')}"`) as string) : raw.toString('utf8');
      }
    }
  }

  number(): number {
    this.peek();
    let neg = false;
    let mant = 0;
    let digits = 0;
    let frac = 0;
    let simple = true;
    let seenDot = false;
    let count = 0;
    let carry = '';
    let start = this.pos;
    let tail = true; // the number ends inside the current chunk (not at the end of the input)
    for (;;) {
      const buf = this.buf;
      const len = buf.length;
      let pos = this.pos;
      while (pos < len) {
        const c = buf[pos]!;
        if (c >= Ch.Zero && c <= Ch.Nine) {
          mant = mant * 10 + (c - Ch.Zero);
          if (seenDot) {
            digits++;
            frac++;
          } else if (mant !== 0) digits++;
        } else if (c === Ch.Dot && !seenDot) seenDot = true;
        else if (c === Ch.Minus && count === 0) neg = true;
        else if (c === Ch.LowerE || c === Ch.UpperE || c === Ch.Plus || c === Ch.Minus) simple = false;
        else break;
        count++;
        pos++;
      }
      this.pos = pos;
      if (pos < len) break;
      carry += buf.toString('latin1', start, pos);
      if (!this.fill()) {
        tail = false;
        break;
      }
      start = 0;
    }
    if (count === 0) this.fail('expected a number');
    if (simple && digits <= 15 && frac < POW10.length) return (neg ? -mant : mant) / POW10[frac]!;
    return Number(tail ? carry + this.buf.toString('latin1', start, this.pos) : carry);
  }

  /** Skip one value of any kind. */
  skip(): void {
    const c = this.peek();
    if (c === Ch.Quote) this.string();
    else if (c === Ch.LBrace) {
      this.pos++;
      if (this.accept(Ch.RBrace)) return;
      do {
        this.string();
        this.expect(Ch.Colon);
        this.skip();
      } while (this.accept(Ch.Comma));
      this.expect(Ch.RBrace);
    } else if (c === Ch.LBracket) {
      this.pos++;
      if (this.accept(Ch.RBracket)) return;
      do this.skip();
      while (this.accept(Ch.Comma));
      this.expect(Ch.RBracket);
    } else if (c === Ch.Minus || (c >= Ch.Zero && c <= Ch.Nine)) this.number();
    else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      // true / false / null
      while (this.peek() >= 0x61 && this.peek() <= 0x7a) this.pos++;
    } else this.fail('unexpected character');
  }
}

/** Matrix rows by rank, written in any order and read back in rank order. */
interface RowStore {
  set(rank: number, row: Float64Array): void;
  /** The Float32 bytes of rows [from, to). */
  bytes(from: number, to: number): Uint8Array;
}

function memoryRows(count: number, dim: number): RowStore {
  const matrix = new Float32Array(count * dim);
  const all = new Uint8Array(matrix.buffer);
  return {
    set: (rank, row) => matrix.set(row, rank * dim),
    bytes: (from, to) => all.subarray(from * dim * 4, to * dim * 4),
  };
}

/** Rows in a scratch file (open as `fd`), at rank x row size; Float32 little-endian (x64, arm64). */
function fileRows(fd: number, dim: number): RowStore {
  const row32 = new Float32Array(dim);
  const rowBytes = new Uint8Array(row32.buffer);
  return {
    set(rank, row) {
      row32.set(row);
      let done = 0;
      while (done < rowBytes.length) done += writeSync(fd, rowBytes, done, rowBytes.length - done, rank * dim * 4 + done);
    },
    bytes(from, to) {
      const out = Buffer.alloc((to - from) * dim * 4);
      let done = 0;
      while (done < out.length) {
        const n = readSync(fd, out, done, out.length - done, from * dim * 4 + done);
        if (n === 0) break; // rows never written read as zeros (they are not emitted anyway)
        done += n;
      }
      return out;
    },
  };
}

/** Rows emitted per sink call: bounds what a conversion holds at once. */
const EMIT_ROWS = 4096;

/** What the conversion produced, for callers that report it. */
export interface GloveConversion {
  dimension: number;
  words: number;
  bytes: number;
}

/**
 * Stream the wink JSON in `source` and hand the cache bytes to `sink` in order. Rows go to the
 * store `rowsFor` makes (rows in `words` order); nothing else grows with the file but the word list.
 */
function convert(source: ByteSource, name: string, sink: (bytes: Uint8Array) => void, rowsFor: (count: number, dim: number) => RowStore): GloveConversion {
  const s = new JsonScanner(source, name);
  s.expect(Ch.LBrace);
  let dim = 0;
  let words: string[] | undefined;
  let rank: Map<string, number> | undefined;
  let matrix: RowStore | undefined;
  let present: Uint8Array | undefined;
  let sawVectors = false;
  if (!s.accept(Ch.RBrace)) {
    do {
      const key = s.string();
      s.expect(Ch.Colon);
      if (key === 'dimensions') dim = s.number();
      else if (key === 'words') {
        words = [];
        s.expect(Ch.LBracket);
        if (!s.accept(Ch.RBracket)) {
          do words.push(s.string());
          while (s.accept(Ch.Comma));
          s.expect(Ch.RBracket);
        }
      } else if (key === 'vectors') {
        if (!Number.isInteger(dim) || dim <= 0 || !words) {
          throw new EmbeddingError(`glove: ${name}: "dimensions" and "words" must come before "vectors" (not the wink-embeddings layout)`);
        }
        sawVectors = true;
        rank = new Map();
        // First occurrence wins (the list is frequency-ordered).
        for (let i = words.length - 1; i >= 0; i--) rank.set(words[i]!, i);
        matrix = rowsFor(words.length, dim);
        present = new Uint8Array(words.length);
        const row = new Float64Array(dim);
        s.expect(Ch.LBrace);
        if (!s.accept(Ch.RBrace)) {
          do {
            const w = s.string();
            s.expect(Ch.Colon);
            s.expect(Ch.LBracket);
            let n = 0;
            if (!s.accept(Ch.RBracket)) {
              do {
                const x = s.number();
                if (n < dim) row[n] = x;
                n++;
              } while (s.accept(Ch.Comma));
              s.expect(Ch.RBracket);
            }
            const r = rank.get(w);
            // Newlines separate words in the cache; such tokens cannot come out of our tokenizer anyway.
            if (r === undefined || n < dim || w.includes('\n') || present[r]) continue;
            matrix.set(r, row);
            present[r] = 1;
          } while (s.accept(Ch.Comma));
          s.expect(Ch.RBrace);
        }
      } else s.skip();
    } while (s.accept(Ch.Comma));
    s.expect(Ch.RBrace);
  }
  if (!sawVectors || !words || !matrix || !present) {
    throw new EmbeddingError(`glove: ${name} does not have the wink-embeddings layout (dimensions, words, vectors)`);
  }
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) if (present[i]) kept.push(words[i]!);
  const vocab = Buffer.from(kept.join('\n'), 'utf8');
  const vocabPadded = Math.ceil(vocab.length / 4) * 4;
  const header = Buffer.alloc(GLOVE_HEADER_BYTES + vocabPadded);
  header.write(GLOVE_MAGIC, 0, 'latin1');
  header.writeUInt32LE(dim, 8);
  header.writeUInt32LE(kept.length, 12);
  header.writeUInt32LE(vocab.length, 16);
  vocab.copy(header, GLOVE_HEADER_BYTES);
  sink(header);
  // Rows of present words, in runs of at most EMIT_ROWS (Float32 is little-endian on every
  // platform Node supports in practice: x64, arm64).
  let i = 0;
  while (i < words.length) {
    if (!present[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < words.length && j - i < EMIT_ROWS && present[j]) j++;
    sink(matrix.bytes(i, j));
    i = j;
  }
  return { dimension: dim, words: kept.length, bytes: header.length + kept.length * dim * 4 };
}

/** Convert wink-embeddings JSON held in memory (small files, tests) to the binary cache layout. */
export function convertWinkJson(json: string | Buffer): Buffer {
  const parts: Buffer[] = [];
  convert(bufferSource(typeof json === 'string' ? Buffer.from(json, 'utf8') : json), 'embeddings JSON', (b) => parts.push(Buffer.from(b)), memoryRows);
  return Buffer.concat(parts);
}

/**
 * Convert the wink JSON file at `jsonPath` into the cache file `outPath` by streaming. Writes a
 * temp file in the same folder and renames it, so a killed conversion never leaves a truncated
 * cache behind.
 */
export function convertWinkJsonFile(jsonPath: string, outPath: string, chunkBytes = 1 << 20): GloveConversion {
  mkdirSync(dirname(outPath), { recursive: true });
  const tmp = `${outPath}.${process.pid}.${Date.now()}.tmp`;
  let input: number;
  try {
    input = openSync(jsonPath, 'r');
  } catch (e) {
    throw new EmbeddingError(`glove: cannot read ${jsonPath}: ${(e as Error).message}`);
  }
  const out = openSync(tmp, 'w');
  const scratch = `${tmp}.rows`;
  const rows = openSync(scratch, 'w+');
  let ok = false;
  try {
    const result = convert(
      fileSource(input, chunkBytes),
      jsonPath,
      (b) => {
        let done = 0;
        while (done < b.length) done += writeSync(out, b, done, b.length - done);
      },
      (_count, dim) => fileRows(rows, dim),
    );
    ok = true;
    return result;
  } finally {
    closeSync(input);
    closeSync(out);
    closeSync(rows);
    unlinkSync(scratch);
    if (ok) renameSync(tmp, outPath);
    else unlinkSync(tmp);
  }
}
