/**
 * The input contract, property-tested over all inputs (fast-check): the config loader, every
 * reader of a user's file and the viewer's HTTP API either succeed or refuse with one line naming
 * the place (an InputError naming the file; an HTTP 4xx with a one-line reason). Never a stack
 * trace, a crash, a hang, an internal message or a silent default: an unknown key anywhere in a
 * study is always an error naming it. Files are arbitrary bytes too (invalid UTF-8, BOMs, NUL,
 * CR), and a sample of them goes through the built CLI, which must exit 0 or 2 with one line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfigFile, parseConfigText } from '../../src/config/load.js';
import { studyConfigSchema } from '../../src/config/schema.js';
import { readCorrelationCsv, readItemCsv } from '../../src/core/csv.js';
import { InputError } from '../../src/core/errors.js';
import { readTextFile } from '../../src/core/text-file.js';
import { readPairsCsv } from '../../src/evaluation/dataset.js';
import { loadClassifierFile } from '../../src/evaluation/evaluate.js';
import { readEvaluatedVectors, readPrompts } from '../../src/evaluation/align-file.js';
import { listLabels } from '../../src/evaluation/labels.js';
import { RunStore } from '../../src/store/store.js';
import { loadPromptBank } from '../../src/study/stages/elicit/prompts.js';
import { loadItemBank, readImportedCompletions } from '../../src/study/stages/projective/stage.js';
import { readPairs } from '../../src/values/pairs.js';
import { loadValueSystem } from '../../src/values/value-system.js';
import { startViewer } from '../../src/web/server.js';
import { runCliAsync } from '../helpers/cli.js';
import { elicitedRun } from '../report/run-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'vlx-contract-'));
let count = 0;
const file = (content: string | Uint8Array, ext: string): string => {
  const f = join(dir, `f${count++}.${ext}`);
  writeFileSync(f, content);
  return f;
};

/** The contract for a library reader: success, or one InputError line that names the file. */
async function expectContract(f: string, read: () => unknown): Promise<void> {
  try {
    await read();
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`${f}: not an InputError: ${String((e as Error)?.stack ?? e)}`);
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.message).toContain(f);
  }
}

/** Bytes that stress decoders and parsers: valid text of a format with hostile bytes spliced in. */
const hostileBytes = (base: fc.Arbitrary<string>): fc.Arbitrary<Uint8Array> =>
  fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.constantFrom(0x00, 0x0d, 0x1b, 0x80, 0xbf, 0xc3, 0xe9, 0xef, 0xfe, 0xff, 0x22, 0x2c, 0x0a)), { maxLength: 4 }), fc.boolean()).map(([text, splices, bom]) => {
    const bytes = [...(bom ? [0xef, 0xbb, 0xbf] : []), ...Buffer.from(text)];
    for (const [at, b] of splices) bytes.splice(bytes.length === 0 ? 0 : at % bytes.length, 0, b);
    return Uint8Array.from(bytes);
  });

const csvText = fc.array(fc.array(fc.oneof(fc.constantFrom('1', '2', '5', '', 'NA', 'x', '"a,b"', '"', 'a', 'a'), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 5 }).map((r) => r.join(',')), { maxLength: 6 }).map((rows) => rows.join('\n'));
const jsonlText = fc
  .array(
    fc.oneof(
      fc.json(),
      fc.record({ id: fc.string(), prompt: fc.string(), response: fc.string(), values: fc.dictionary(fc.constantFrom('power', 'security'), fc.constantFrom(-1, 0, 1)) }).map((o) => JSON.stringify(o)),
      fc.record({ model: fc.constantFrom('m', 'x'), stem: fc.string(), completion: fc.string() }).map((o) => JSON.stringify(o)),
      fc.string(),
    ),
    { maxLength: 5 },
  )
  .map((l) => l.join('\n'));
const yamlText = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v)),
  fc.constantFrom('name: s\ndimensions:\n  - {id: a, label: A, definition: x}\n', 'items:\n  - {id: i1, stem: "I like"}\n', 'name: b\nversion: 1\nprompts:\n  - {id: p, text: t}\n', '{"weights": []}'),
);

describe('every reader of user files keeps the contract on arbitrary bytes', () => {
  const readers: Array<[string, fc.Arbitrary<string>, string, (f: string) => unknown]> = [
    ['text file', fc.string(), 'txt', (f) => readTextFile(f)],
    ['item CSV (stats)', csvText, 'csv', (f) => readItemCsv(f)],
    ['correlation CSV (stats --cor)', csvText, 'csv', (f) => readCorrelationCsv(f)],
    ['pairs CSV', csvText.map((t) => `id,prompt,response,power\n${t}`), 'csv', (f) => readPairsCsv(f)],
    ['pairs JSONL (contract and FULCRA)', jsonlText, 'jsonl', (f) => readPairs(f)],
    ['align prompts', jsonlText, 'jsonl', (f) => readPrompts(f)],
    ['evaluated vectors', jsonlText, 'jsonl', (f) => readEvaluatedVectors(f)],
    ['imported completions', jsonlText, 'jsonl', (f) => readImportedCompletions(f, loadItemBank('default'), new Set(['m']))],
    ['value system', yamlText, 'yaml', (f) => loadValueSystem(f)],
    ['item bank', yamlText, 'yaml', (f) => loadItemBank(f)],
    ['prompt bank', yamlText, 'yaml', (f) => loadPromptBank(f)],
    ['classifier file', fc.oneof(fc.json(), fc.string()), 'json', (f) => loadClassifierFile(f)],
    ['study file', yamlText, 'yaml', (f) => loadConfigFile(f, studyConfigSchema)],
  ];
  for (const [name, text, ext, read] of readers) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(hostileBytes(text), async (bytes) => {
          const f = file(bytes, ext);
          await expectContract(f, () => read(f));
        }),
        { numRuns: 120 },
      );
    });
  }

  it('a directory or a missing file is named, for every reader', async () => {
    for (const [, , , read] of readers) {
      await expectContract(dir, () => read(dir));
      await expectContract(join(dir, 'absent.file'), () => read(join(dir, 'absent.file')));
    }
  });
});

describe('the config loader never runs on a silent default', () => {
  const model = { name: 'a', provider: 'openai', model: 'm', base_url: 'http://127.0.0.1:1/v1' };
  const own = (o: Record<string, unknown>, key: string): Record<string, unknown> => Object.defineProperty(o, key, { value: 1, enumerable: true, configurable: true, writable: true });
  const sections: Array<[string, (key: string, study: Record<string, unknown>) => void]> = [
    // defineProperty: an own key even for "__proto__" (plain assignment would set the prototype).
    ['', (k, s) => own(s, k)],
    ['models[0]', (k, s) => own((s.models as Array<Record<string, unknown>>)[0]!, k)],
    ['models[0].params', (k, s) => ((s.models as Array<Record<string, unknown>>)[0]!.params = own({}, k))],
    ['judge', (k, s) => (s.judge = own({ provider: 'openai', model: 'j' }, k))],
    ...(['embedding', 'elicit', 'rate', 'taxonomy', 'projective'] as const).map((sec): [string, (key: string, study: Record<string, unknown>) => void] => [sec, (k, s) => (s[sec] = own({}, k))]),
  ];
  const knownKeys = new Set(['name', 'store', 'seed', 'models', 'judge', 'embedding', 'stages', 'elicit', 'rate', 'taxonomy', 'projective', 'extensions', 'provider', 'model', 'base_url', 'api_key_env', 'kind', 'tags', 'concurrency', 'rpm', 'tpm', 'timeout_ms', 'max_retries', 'price', 'params', 'options', 'temperature', 'top_p', 'max_tokens', 'backend', 'path', 'prompts', 'samples', 'min_count', 'min_models', 'merge_synonyms', 'bank', 'system', 'respondents', 'scale', 'batch_size', 'max_terms', 'source', 'factors', 'fm', 'rotate', 'cor', 'threshold', 'enforce_adequacy', 'compare', 'items', 'judge_repeats', 'judge_checks', 'calibration', 'judge_combine', 'import', 'allow_judge_change']);
  const unknownKey = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('sample', 'temprature', 'modles', '__proto__', 'constructor', 'toString', '<<x', 'x'.repeat(500), '\u001b[2J', 'samples ')).filter((k) => !knownKeys.has(k));

  it('an unknown key in any section is an error naming it, with its line', () => {
    fc.assert(
      fc.property(fc.constantFrom(...sections), unknownKey, ([where, plant], key) => {
        const study: Record<string, unknown> = { name: 's', models: [{ ...model }] };
        plant(key, study);
        let message = '';
        try {
          parseConfigText(stringify(study), 'study.yaml', studyConfigSchema);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          message = (e as Error).message;
        }
        expect(message, `${where} ${JSON.stringify(key)}`).toMatch(/^study\.yaml:\d+: .*unknown key/);
        expect(message.split('\n')).toHaveLength(1);
        if (where !== '') expect(message).toContain(`${where}.`);
      }),
      { numRuns: 400 },
    );
  });
});

describe('the viewer HTTP API keeps the contract on arbitrary requests', async () => {
  const db = await elicitedRun(mkdtempSync(join(tmpdir(), 'vlx-contract-view-')));
  const viewer = await startViewer({ db, port: 0 });
  const pairId = (JSON.parse(await (await fetch(`${viewer.url}api/pairs?limit=1`)).text()) as Array<{ id: string }>)[0]!.id;
  afterAll(() => viewer.close());

  const send = (method: string, path: string, headers: Record<string, string>, body: Uint8Array | undefined): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      // Node frames no body of a DELETE unless told its length; an unframed body would be read as the
      // next request on the kept-alive socket, and its 400 would answer the request after it.
      const framing: Record<string, string> = body && !headers['Transfer-Encoding'] ? { 'Content-Length': String(body.length) } : {};
      const req = request({ host: '127.0.0.1', port: viewer.port, method, path, headers: { Host: `127.0.0.1:${viewer.port}`, ...framing, ...headers } }, (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
      req.end(body);
    });

  const paths = fc.constantFrom('/', '/app.js', '/api/run', '/api/lexicon', '/api/sources', '/api/completions', '/api/pairs', '/api/labels', '/api/labels.jsonl', '/nope', '/api/../api/run', '/%ZZ', '/api/labels/');
  const query = fc.oneof(
    fc.constant(''),
    fc.tuple(fc.constantFrom('limit', 'offset', 'descriptor'), fc.oneof(fc.constantFrom('abc', '-1', '0', '1', '1e9', '99999999999', '', '%00', '3.5', ' 2'), fc.string({ maxLength: 300 }))).map(([k, v]) => `?${k}=${encodeURIComponent(v)}`),
  );
  const labelBody = fc.oneof(
    fc.json().map((j) => Buffer.from(j)),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc
      .record({
        pair_id: fc.oneof(fc.constant(pairId), fc.string(), fc.constant('x'.repeat(20_000)), fc.integer()),
        annotator: fc.oneof(fc.constantFrom('ann', ' b ', '', 'a\u0000b', 'a\u001bb', 'a\u202eb', 'x'.repeat(101)), fc.string()),
        value: fc.oneof(fc.constantFrom('power', 'security', 'kindness'), fc.string()),
        label: fc.oneof(fc.constantFrom(-1, 0, 1, 2, '1', null), fc.double()),
      }, { requiredKeys: [] })
      .map((o) => Buffer.from(JSON.stringify(o))),
  );

  it('answers every request with a status it promises and, on refusal, one line of reason; never 500', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD'), paths, query, fc.constantFrom('application/json', 'text/plain', ''), labelBody, async (method, path, q, type, body) => {
        const r = await send(method, path + q, type ? { 'Content-Type': type } : {}, method === 'GET' || method === 'HEAD' ? undefined : body);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        expect([200, 400, 404, 405, 413, 415]).toContain(r.status);
        if (r.status >= 400 && method !== 'HEAD') {
          const error = (JSON.parse(r.body) as { error: unknown }).error;
          expect(typeof error).toBe('string');
          expect((error as string).split('\n')).toHaveLength(1);
          expect(error as string).not.toMatch(/at .*\.js|TypeError|SqliteError|Cannot read/);
        }
      }),
      { numRuns: 300 },
    );
    // The run saw all kinds of answers, refusals included.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 404, 405]));
    // Labels are stored only for this run's pairs, with clean annotator names.
    const reader = RunStore.open(db, { readonly: true });
    for (const l of listLabels(reader)) {
      expect(l.pair_id).toBe(pairId);
      expect(l.annotator).not.toMatch(/[\p{Cc}\p{Cf}]/u);
      expect([-1, 0, 1]).toContain(l.label);
    }
    reader.close();
  }, 120_000);

  it('a chunked body over the limit (no Content-Length) is 413', async () => {
    const r = await send('POST', '/api/labels', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, Buffer.alloc(100_000, 0x20));
    expect(r.status).toBe(413);
  });
});

describe('the built CLI keeps the contract on arbitrary files', () => {
  it('exits 0, or 2 with one line naming the file; never a stack trace', async () => {
    const commands: Array<(f: string) => string[]> = [(f) => ['stats', 'alpha', '--input', f], (f) => ['stats', 'efa', '--input', f, '--nfactors', '1'], (f) => ['dataset', 'validate', f], (f) => ['run', f]];
    const samples = fc.sample(
      fc.tuple(fc.nat({ max: commands.length - 1 }), fc.oneof(hostileBytes(csvText), hostileBytes(jsonlText), hostileBytes(yamlText))),
      { numRuns: 24, seed: 22 },
    );
    for (const [which, bytes] of samples) {
      const cmd = commands[which]!;
      const f = file(bytes, which === 2 ? 'jsonl' : which === 3 ? 'yaml' : 'csv');
      const r = await runCliAsync(cmd(f), { cwd: dir });
      expect([0, 2], `${cmd(f).join(' ')}: ${r.stderr}`).toContain(r.code);
      expect(r.stderr).not.toMatch(/\n\s+at |TypeError|RangeError/);
      if (r.code === 2) {
        expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
        expect(r.stderr).toContain(f);
      }
    }
  }, 300_000);
});
