/**
 * Reading a user's text file (CSV, JSONL, YAML, word lists) one way everywhere: strict UTF-8 (a
 * file in another encoding is refused, naming the file and the line of the first invalid byte,
 * instead of being silently filled with U+FFFD), a UTF-8 byte-order mark accepted and dropped,
 * and clear one-line errors for a missing file, a directory, an unreadable file or a file too
 * large to hold in memory. `readTextLines` streams a file line by line in constant memory.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { InputError } from './errors.js';

/**
 * The largest file read whole: V8 strings stop at about 512 M characters, and a reader holds the
 * text and what it parses from it at once. Larger inputs are refused before they are read.
 */
export const MAX_TEXT_FILE_BYTES = 256 * 1024 * 1024;
/** The longest line a streaming reader accepts (one JSONL record). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${n} bytes`;
}

/** A file-system error as one line naming the file. */
export function fileError(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOTDIR'
            ? 'a part of the path is not a directory'
            : `cannot read the file (${code ?? (e as Error)?.message ?? String(e)})`;
  return new InputError(`${file}: ${why}`);
}

const strict = (): TextDecoder => new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function checkSize(file: string, maxBytes: number): void {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    throw fileError(file, e);
  }
  if (size > maxBytes) throw new InputError(`${file}: the file is ${formatBytes(size)}, larger than the ${formatBytes(maxBytes)} this command reads`);
}

/** The line and column (characters, both 1-based) of the first invalid UTF-8 byte sequence. */
function firstInvalid(bytes: Uint8Array): { line: number; column: number; byte: number } {
  let line = 1;
  let start = 0;
  // A line feed byte never occurs inside a multi-byte UTF-8 sequence, so lines decode alone.
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      const slice = bytes.subarray(start, i);
      try {
        strict().decode(slice);
      } catch {
        // Narrow to the byte: the longest prefix that decodes (incomplete tails allowed in stream mode).
        let lo = 0;
        let hi = slice.length;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          try {
            strict().decode(slice.subarray(0, mid), { stream: true });
            lo = mid;
          } catch {
            hi = mid - 1;
          }
        }
        // The longest decodable prefix may end inside a sequence cut short by the bad byte: the
        // error is at that sequence's first byte.
        let at = lo;
        try {
          strict().decode(slice.subarray(0, lo));
        } catch {
          at = lo - 1;
          while (at > 0 && lo - at < 4 && ((slice[at] ?? 0) & 0xc0) === 0x80) at--;
        }
        return { line, column: strict().decode(slice.subarray(0, at)).length + 1, byte: slice[at] ?? 0 };
      }
      line++;
      start = i + 1;
    }
  }
  return { line, column: 1, byte: 0 };
}

function notUtf8(file: string, bytes: Uint8Array, offsetLine = 0): InputError {
  const at = firstInvalid(bytes);
  return new InputError(
    `${file}:${at.line + offsetLine}: not valid UTF-8 (byte 0x${at.byte.toString(16).padStart(2, '0')} at column ${at.column}); save the file as UTF-8`,
  );
}

/** Strict UTF-8 decoding of a whole buffer (BOM dropped); errors name the file and line. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return strict().decode(bytes);
  } catch {
    throw notUtf8(file, bytes);
  }
}

/** A whole text file, strictly UTF-8, refused above `maxBytes`. */
export function readTextFile(file: string, opts: { maxBytes?: number } = {}): string {
  checkSize(file, opts.maxBytes ?? MAX_TEXT_FILE_BYTES);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw fileError(file, e);
  }
  return decodeUtf8(bytes, file);
}

/**
 * The lines of a text file, streamed (constant memory in the file's size), strictly UTF-8, a BOM
 * dropped, CRLF or LF line ends. Each line comes with its 1-based number.
 */
export async function* readTextLines(file: string, opts: { maxLineBytes?: number } = {}): AsyncGenerator<{ line: number; text: string }> {
  const maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  checkSize(file, Number.MAX_SAFE_INTEGER);
  let stream;
  try {
    stream = createReadStream(file);
  } catch (e) {
    throw fileError(file, e);
  }
  let line = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const decode = (bytes: Buffer): string => {
    let text: string;
    try {
      text = strict().decode(bytes);
    } catch {
      throw notUtf8(file, bytes, line);
    }
    if (line === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(0x0a, from); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
        pending.push(chunk.subarray(from, nl));
        const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
        if (bytes.length > maxLine) throw new InputError(`${file}:${line + 1}: the line is ${formatBytes(bytes.length)}, longer than the ${formatBytes(maxLine)} a record may be`);
        const text = decode(bytes);
        line++;
        yield { line, text };
        from = nl + 1;
      }
      if (from < chunk.length) {
        pending.push(chunk.subarray(from));
        pendingBytes += chunk.length - from;
        if (pendingBytes > maxLine) throw new InputError(`${file}:${line + 1}: the line is longer than the ${formatBytes(maxLine)} a record may be`);
      }
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw fileError(file, e);
  } finally {
    stream.destroy();
  }
  if (pending.length > 0) {
    const text = decode(Buffer.concat(pending));
    line++;
    yield { line, text };
  }
}
