/**
 * The core guards against hostile text: secrets redacted in every encoded form, terminal escapes
 * removed, user files read as strict UTF-8 with one-line errors naming file and line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { redactSecrets, redactUrlPassword, registerSecret, registerUrlSecret } from '../../src/core/secrets.js';
import { neutralizeBidi, terminalSafe } from '../../src/core/terminal.js';
import { MAX_TEXT_FILE_BYTES, readTextFile, readTextLines } from '../../src/core/text-file.js';
import { readItemCsv } from '../../src/core/csv.js';
import { requireMemory } from '../../src/core/memory.js';

const dir = mkdtempSync(join(tmpdir(), 'vlx-core-'));
let n = 0;
const file = (bytes: string | Uint8Array, ext = 'txt'): string => {
  const f = join(dir, `f${n++}.${ext}`);
  writeFileSync(f, bytes);
  return f;
};
const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('secrets', () => {
  const secret = 'Zq9-unit-secret-4471-abcdefghij';
  registerSecret(secret);

  it('redacts a registered secret plainly, percent-encoded, JSON-escaped and in base64 at any offset of a longer base64 text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 }), fc.boolean(), (before, after, urlSafe) => {
        let b64 = Buffer.concat([Buffer.from(before), Buffer.from(secret), Buffer.from(after)]).toString('base64');
        if (urlSafe) b64 = b64.replace(/\+/g, '-').replace(/\//g, '_');
        const out = redactSecrets(`data ${b64} end`);
        // The run of base64 characters that encode only the secret is gone (a few edge characters may stay).
        expect(out).toContain('[REDACTED]');
        expect(out.replace('[REDACTED]', '').length).toBeLessThan(`data ${b64} end`.length - Math.floor((secret.length * 4) / 3) + 10);
      }),
      { numRuns: 200 },
    );
    expect(redactSecrets(`k=${encodeURIComponent(secret)}`)).toBe('k=[REDACTED]');
    expect(redactSecrets(JSON.stringify({ a: secret }))).toBe('{"a":"[REDACTED]"}');
  });

  it('masks URL passwords and registers them, leaving ordinary prose and short words alone', () => {
    expect(redactUrlPassword('see http://u:p%40ss@proxy:8080/v1 and postgres://me:pw@db/x')).toBe('see http://u:***@proxy:8080/v1 and postgres://me:***@db/x');
    registerUrlSecret('http://u:proxy-pass-99@proxy/v1');
    expect(redactSecrets('it said proxy-pass-99')).toBe('it said [REDACTED]');
    for (const prose of ['The bearer responsibility of honesty.', 'basic understanding and x-api-key', 'sk-learn is a library', 'honesty, kindness']) expect(redactSecrets(prose)).toBe(prose);
    expect(redactSecrets('Authorization: Bearer abcdefghij0123456789')).toBe('Authorization: Bearer [REDACTED]');
  });
});

describe('terminal text', () => {
  it('removes whole escape sequences (OSC 52 clipboard, title, CSI, C1 CSI), BEL, CR and bidi controls, keeping the words', () => {
    const hostile = 'a\u001b]52;c;cm0gLXJm\u0007b\u001b]0;title\u001b\\c\u001b[2J\u001b[31md\u009b31me\rf\u202eg\u0000h\u0008i\tj\nk';
    // A lone carriage return (which would overprint the line) becomes a line break.
    expect(terminalSafe(hostile)).toBe('abcde\nfghi\tj\nk');
  });

  it('never lets an ESC, BEL, C1 control or bidi override through, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('\u001b', '\u0007', '\u009b', '\u009d', '[', ']', ';', '\\', 'P', '2', 'J', 'a', '\u202e', '\r', '\n', 'x') , maxLength: 60 }), (s) => {
        expect(terminalSafe(s)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      }),
      { numRuns: 500 },
    );
  });

  it('neutralises bidi controls for display as U+FFFD', () => {
    expect(neutralizeBidi('a\u202eb\u2066c')).toBe('a\ufffdb\ufffdc');
  });
});

describe('user text files', () => {
  it('accepts a UTF-8 BOM and CRLF, and refuses another encoding naming file, line and column', () => {
    expect(readTextFile(file('\ufeffa,b\r\n1,2\r\n'))).toBe('a,b\r\n1,2\r\n');
    const latin1 = file(Buffer.from('a,b\n1,2\ncaf\xe9,3\n', 'latin1'));
    expect(message(() => readTextFile(latin1))).toBe(`${latin1}:3: not valid UTF-8 (byte 0xe9 at column 4); save the file as UTF-8`);
  });

  it('streams lines with numbers, BOM dropped, and names the line of a bad byte', async () => {
    const ok = file('\ufeff{"a":1}\r\n\n{"b":2}');
    const lines: Array<{ line: number; text: string }> = [];
    for await (const l of readTextLines(ok)) lines.push(l);
    expect(lines).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '' },
      { line: 3, text: '{"b":2}' },
    ]);
    const bad = file(Buffer.concat([Buffer.from('{"a":1}\n{"b":2}\n{"c":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
    const seen: number[] = [];
    const err = await (async () => {
      for await (const l of readTextLines(bad)) seen.push(l.line);
    })().catch((e: Error) => e);
    expect(seen).toEqual([1, 2]);
    expect(String((err as Error).message)).toBe(`${bad}:3: not valid UTF-8 (byte 0xc3 at column 7); save the file as UTF-8`);
  });

  it('names a missing file, a directory and a file too large to read', async () => {
    expect(message(() => readTextFile(join(dir, 'absent.csv')))).toBe(`${join(dir, 'absent.csv')}: no such file`);
    expect(message(() => readTextFile(dir))).toBe(`${dir}: is a directory, not a file`);
    const big = file('x'.repeat(2048));
    expect(message(() => readTextFile(big, { maxBytes: 1024 }))).toBe(`${big}: the file is 2.0 kB, larger than the 1.0 kB this command reads`);
    expect(MAX_TEXT_FILE_BYTES).toBeLessThan(512 * 1024 * 1024);
    await expect(
      (async () => {
        for await (const _ of readTextLines(dir)) void _;
      })(),
    ).rejects.toThrow(`${dir}: is a directory, not a file`);
  });

  it('refuses duplicate and empty CSV column names', () => {
    const dup = file('a,b,a\n1,2,3\n', 'csv');
    expect(message(() => readItemCsv(dup))).toBe(`${dup}:1: columns 1 and 3 are both named "a"`);
    const empty = file('a,,c\n1,2,3\n', 'csv');
    expect(message(() => readItemCsv(empty))).toBe(`${empty}:1: column 2 has no name`);
  });
});

describe('memory budget', () => {
  it('refuses above the budget with one line naming the place, and passes below it', () => {
    expect(message(() => requireMemory('data.csv', 'stats efa on 20000 columns', 32 * 1024 ** 3, 3 * 1024 ** 3))).toMatch(
      /^data\.csv: stats efa on 20000 columns needs about 32\.0 GB of memory, more than the 3\.0 GB this process may use/,
    );
    expect(() => requireMemory('data.csv', 'small', 1024, 3 * 1024 ** 3)).not.toThrow();
  });
});
