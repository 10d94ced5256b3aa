/**
 * Issue 22's findings, each reproduced through the built command line as the hostile tester did,
 * and each now refused with one line (exit 2) or survived without harm: keys echoed by a server,
 * terminal escapes and hostile words in answers, a judge named like a studied model, sizes that
 * crashed V8, unknown keys, timer overflow, a viewer that modified foreign files, usage errors,
 * encodings, and the cost numbers of resumed runs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { startViewer } from '../../src/web/server.js';
import type { ReportModel } from '../../src/report/model.js';
import { runCli, runCliAsync } from '../helpers/cli.js';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population by role (names are drawn from its seed). */
const [SIM_INSTRUCT_B, SIM_BASE] = pickSimNames('instruct', 'base') as string[] as [string, string];

const KEY = 'sk-echoed-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const tmp = (): string => mkdtempSync(join(tmpdir(), 'vlx-hostile-'));
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

/** One line on stderr, exit code 2, no stack trace. */
function expectRefusal(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('hostile servers through the command line', () => {
  let server: HostileServer;
  beforeAll(async () => {
    server = await startHostileServer();
  });
  afterAll(async () => server.close());

  const study = (dir: string, model: string, extra = ''): string => {
    const file = join(dir, 'study.yaml');
    writeFileSync(
      file,
      `name: hostile\nstore: run/run.db\nmodels:\n  - {name: m, provider: openai, base_url: "${server.url}/v1", model: "${model}", api_key_env: VLX_ECHO_KEY}\nelicit: {prompts: [fp-list-core, fp-free-core], samples: 2, min_count: 1}\n${extra}`,
    );
    return file;
  };

  it('a key echoed in successful answers reaches no file, no printed trace, no report and no viewer response', async () => {
    const dir = tmp();
    const env = { VLX_ECHO_KEY: KEY };
    const run = await runCliAsync(['run', study(dir, 'echo-key'), '--stages', 'elicit', '--json'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect([...server.stats.authorizations]).toContain(`Bearer ${KEY}`);
    const db = join(dir, 'run', 'run.db');
    const trace = runCli(['lexicon', db, '--trace', 'honesty'], { env });
    expect(trace.code, trace.stderr).toBe(0);
    expect(trace.stdout).toMatch(/\[REDACTED\]/);
    const traceJson = runCli(['lexicon', db, '--trace', 'honesty', '--json'], { env });
    const report = runCli(['report', db, '--format', 'json'], { env });
    const viewer = await startViewer({ db, port: 0 });
    const served: string[] = [];
    try {
      for (const p of ['/api/sources?descriptor=honesty', '/api/pairs', '/api/labels.jsonl']) served.push(await (await fetch(`${viewer.url}${p.slice(1)}`)).text());
    } finally {
      await viewer.close();
    }
    expect(served[0]).toMatch(/Honesty \[REDACTED\]/);
    const b64 = Buffer.from(KEY).toString('base64');
    for (const t of [run.stdout, run.stderr, trace.stdout, traceJson.stdout, report.stdout, ...served, ...allFiles(dir).map((f) => readFileSync(f).toString('latin1'))]) {
      expect(t.includes(KEY)).toBe(false);
      expect(t.includes(b64.slice(4, -4))).toBe(false);
    }
  }, 120_000);

  it('terminal escapes in answers never reach the terminal, and URLs, code and boilerplate never become lexicon terms', async () => {
    const dir = tmp();
    const run = await runCliAsync(['run', study(dir, 'escapes'), '--stages', 'elicit'], { cwd: dir, env: { VLX_ECHO_KEY: 'unused-key-123456' } });
    expect(run.code, run.stderr).toBe(0);
    const db = join(dir, 'run', 'run.db');
    const trace = runCli(['lexicon', db, '--trace', 'kindness']);
    expect(trace.code, trace.stderr).toBe(0);
    expect(trace.stdout).toMatch(/Kindness/);
    expect(trace.stdout).not.toMatch(CONTROL);
    const json = runCli(['lexicon', db, '--trace', 'kindness', '--json']);
    expect(json.stdout).not.toMatch(CONTROL);
    // The JSON still carries the text exactly (escaped), for a program to read.
    expect((JSON.parse(json.stdout) as { sources: Array<{ response_text: string }> }).sources[0]!.response_text).toContain('\u001b]52;');
    const terms = (JSON.parse(runCli(['lexicon', db, '--json']).stdout) as { terms: Array<{ descriptor: string }> }).terms.map((t) => t.descriptor);
    expect(terms).toEqual(expect.arrayContaining(['honesty', 'kindness', 'fairness', 'curiosity', 'responsibility']));
    for (const bad of ['javascript', 'as an ai assistant', 'script', 'alert', 'ai assistant']) expect(terms).not.toContain(bad);
  }, 120_000);
});

describe('study files and sizes', () => {
  const write = (text: string): string => {
    const file = join(tmp(), 'study.yaml');
    writeFileSync(file, text);
    return file;
  };
  const MODEL = `  - {name: a, provider: simulated, model: sim/${SIM_BASE}}`;

  it('a judge named like a studied model is refused (it would silently be that model)', () => {
    const f = write(`name: s\nmodels:\n${MODEL}\njudge: {name: a, provider: openai, model: gpt-4o-judge, base_url: "http://127.0.0.1:9/v1"}\n`);
    expectRefusal(runCli(['run', f]), /study\.yaml:4: judge\.name: name "a" is already used by models\[0\]; models and judges need distinct names$/);
  });

  it('unknown keys fail with the closest known key instead of running on defaults', () => {
    expectRefusal(runCli(['run', write(`name: s\nmodles: []\n`)]), /study\.yaml:2: modles: unknown key \(did you mean models\?\)$/);
    expectRefusal(runCli(['run', write(`name: s\nmodels:\n${MODEL}\nelicit: {sample: 500, temprature: 5}\n`)]), /study\.yaml:4: elicit\.sample: unknown key \(did you mean samples\?\)$/);
  });

  it('elicit.samples: 1000000000 is refused at once, not after an out-of-memory abort', () => {
    const started = Date.now();
    expectRefusal(runCli(['run', write(`name: s\nmodels:\n${MODEL}\nelicit: {samples: 1000000000}\n`)]), /elicit\.samples: Too big: expected number to be <=10000$/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('timeout_ms above 2^31-1 is refused by the schema', () => {
    expectRefusal(runCli(['run', write(`name: s\nmodels:\n  - {name: a, provider: openai, model: m, base_url: "http://127.0.0.1:9/v1", timeout_ms: 4294967296}\n`)]), /models\[0\]\.timeout_ms: at most 3600000 ms/);
  });

  it('YAML merge keys work, a BOM is accepted, another encoding is refused by line', () => {
    const merged = write(`name: s\nextensions:\n  base: &b {provider: simulated}\nmodels:\n  - <<: *b\n    name: a\n    model: sim/${SIM_BASE}\nstages: []\n`);
    expect(runCli(['run', merged]).code).toBe(0);
    const bom = join(tmp(), 'study.yaml');
    writeFileSync(bom, `\ufeffname: s\nmodels:\n${MODEL}\nstages: []\n`);
    expect(runCli(['run', bom]).code).toBe(0);
    const latin = join(tmp(), 'study.yaml');
    writeFileSync(latin, Buffer.from(`name: s\n# caf\xe9\nmodels:\n${MODEL}\n`, 'latin1'));
    expectRefusal(runCli(['run', latin]), /study\.yaml:2: not valid UTF-8 \(byte 0xe9 at column 6\); save the file as UTF-8$/);
  });
});

describe('stats, datasets and the viewer on hostile files', () => {
  const dir = tmp();
  const wide = join(dir, 'wide.csv');
  const cols = 20_000;
  writeFileSync(wide, [Array.from({ length: cols }, (_, i) => `x${i}`).join(','), ...Array.from({ length: 30 }, (_, r) => Array.from({ length: cols }, (_, i) => String(((r * 7 + i * 13) % 5) + 1)).join(','))].join('\n'));

  it('stats efa and alpha on a 30 x 20,000 CSV are refused up front with one line (they crashed V8 with 4 and 9.5 GB)', () => {
    for (const cmd of [['stats', 'efa', '--input', wide, '--nfactors', '2'], ['stats', 'alpha', '--input', wide], ['stats', 'parallel', '--input', wide]]) {
      const started = Date.now();
      const r = runCli(cmd);
      expectRefusal(r, new RegExp(`^valuelex: ${wide.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: stats \\w+ on 20000 columns x 30 rows needs about [\\d.]+ GB of memory, more than the [\\d.]+ GB this process may use`));
      expect(Date.now() - started).toBeLessThan(20_000);
    }
  });

  it('CSV problems name the file and the column: duplicates, constant columns, encodings; a BOM is fine', () => {
    const f = (name: string, content: string | Buffer): string => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    expectRefusal(runCli(['stats', 'alpha', '--input', f('dup.csv', 'a,b,a\n1,2,3\n2,3,4\n3,1,2\n')]), /dup\.csv:1: columns 1 and 3 are both named "a"$/);
    expectRefusal(runCli(['stats', 'efa', '--input', f('const.csv', 'q1,q2,q3,q4\n1,2,3,4\n2,3,3,1\n3,1,3,2\n4,2,3,5\n5,4,3,3\n'), '--nfactors', '1']), /const\.csv: column 3 \("q3"\) is constant \(no variance\)/);
    expectRefusal(runCli(['stats', 'alpha', '--input', f('latin.csv', Buffer.from('a,b\n1,2\ncaf\xe9,3\n', 'latin1'))]), /latin\.csv:3: not valid UTF-8/);
    const bom = runCli(['stats', 'alpha', '--input', f('bom.csv', '\ufeffa,b,c\n1,2,3\n2,1,3\n3,3,1\n4,2,2\n5,5,4\n'), '--json']);
    expect(bom.code, bom.stderr).toBe(0);
    expect((JSON.parse(bom.stdout) as { items: string[] }).items).toEqual(['a', 'b', 'c']);
  });

  it('dataset validate on a directory, "not a database" and a foreign SQLite file all name the file', () => {
    expectRefusal(runCli(['dataset', 'validate', dir]), new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: is a directory, not a file$`));
    expectRefusal(runCli(['report', wide, '--format', 'json']), /wide\.csv: not a SQLite database/);
    const other = join(dir, 'other.db');
    const conn = new Database(other);
    conn.exec(`CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')`);
    conn.close();
    const hash = createHash('sha256').update(readFileSync(other)).digest('hex');
    expectRefusal(runCli(['view', other, '--port', '0']), /other\.db: not a ValueLex run database \(it holds notes, not meta and requests\); nothing was changed$/);
    expectRefusal(runCli(['lexicon', other]), /not a ValueLex run database/);
    expect(createHash('sha256').update(readFileSync(other)).digest('hex')).toBe(hash);
    expect(existsSync(`${other}-wal`)).toBe(false);
  });

  it('usage errors exit 2 with one line', () => {
    expectRefusal(runCli(['bogus']), /^error: unknown command 'bogus'/);
    expectRefusal(runCli(['stats', 'efa']), /required option '--input <file>' not specified/);
    expectRefusal(runCli(['lexicon', 'x.db', '--limit', 'abc']), /--limit: expected an integer, got "abc"/);
    expectRefusal(runCli(['run', 'x.yaml', '--stages', 'nope']), /--stages: unknown stage "nope"/);
    expect(runCli(['--version']).code).toBe(0);
    expect(runCli(['stats', '--help']).code).toBe(0);
  });
});

describe('resumed runs and reports', () => {
  it('"answers reused from the cache" does not add up across processes', async () => {
    const dir = tmp();
    const file = join(dir, 'study.yaml');
    writeFileSync(file, `name: s\nstore: run.db\nmodels:\n  - {name: a, provider: simulated, model: sim/${SIM_INSTRUCT_B}}\nelicit: {prompts: [fp-list-core], samples: 3}\nstages: [elicit]\n`);
    const cached: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = runCli(['run', file, '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const cost = (JSON.parse(r.stdout) as { cost: Array<{ requests: number; cached: number }> }).cost[0]!;
      expect(cost.requests).toBe(3);
      cached.push(cost.cached);
    }
    // First run: nothing reused; every later run reuses all 3 answers, counted once each.
    expect(cached).toEqual([0, 3, 3]);
  });

  it('the report wraps unbroken long strings and neutralises bidi overrides', async () => {
    const long = 'x'.repeat(5000);
    const model = { study: `a\u202eevil`, models: [long], lexicon: [{ descriptor: `hon\u202eesty`, count: 1, models: 1, per_model: {} }], cost: { requests: 0, cached: 0, input_tokens: 0, output_tokens: 0, per_model: [] } } as unknown as ReportModel;
    const html = await renderHtml(model);
    expect(html).toMatch(/overflow-wrap:anywhere/);
    expect(html).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(html).toContain('a\ufffdevil');
  });
});
