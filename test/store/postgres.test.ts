/**
 * `store: postgres://...`: a whole study (elicit, rate, taxonomy, projective) against the local
 * model server gives the same results on PostgreSQL as on SQLite; a re-run sends nothing; the run
 * lock works across processes; the password never shows in messages. Runs against a real
 * PostgreSQL server (test/helpers/postgres.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { RunStore } from '../../src/store/store.js';
import { runCliAsync } from '../helpers/cli.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { pickSimNames } from '../helpers/sim.js';
import { defaultPopulation } from '../../src/sim/population.js';

/** Models of the default simulated population, by role (their names are drawn from its seed). */
const [RLHF_A, RLHF_B, INSTRUCT] = pickSimNames('rlhf', 'rlhf', 'instruct') as [string, string, string];

const server = await startTestPostgres();
if (typeof server === 'string') console.warn(`test/store/postgres.test.ts: SKIPPED: ${server}`);

describe.skipIf(typeof server === 'string')('run database on PostgreSQL', () => {
  const pgs = server as TestPostgres;
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSimServer();
  });
  afterAll(async () => {
    await sim?.close();
    pgs.stop();
  });

  function study(dir: string, file: string, store: string): string {
    const models = [RLHF_A, INSTRUCT, RLHF_B]
      .map((m) => `  - {name: ${m}, provider: openai, base_url: "${sim.url}/v1", model: sim/${m}, concurrency: 8, tags: {family: ${m.split('-')[1]}}}`)
      .join('\n');
    writeFileSync(
      join(dir, file),
      `name: pg\nstore: ${store}\nseed: 3\nmodels:\n${models}\njudge: {provider: openai, base_url: "${sim.url}/v1", model: sim/${RLHF_B}}\nelicit: {samples: 3}\nrate: {respondents: 20}\ntaxonomy: {enforce_adequacy: false, pa_iter: 40}\nprojective: {samples: 2, items: [likes-01, likes-02, likes-03, likes-04, likes-05, likes-06]}\n`,
    );
    return join(dir, file);
  }

  it('runs the whole study with results equal to SQLite, resumes without requests, refuses a second runner', async () => {
    // A password planted in the URL (the test cluster trusts loopback, so it is not checked) must
    // not reach the database, the report or any file.
    const planted = 'planted-pw-7Qx';
    const url = (await pgs.createDatabase('vlx_study')).replace('postgres@', `postgres:${planted}@`);
    const dir = mkdtempSync(join(tmpdir(), 'vlx-pgrun-'));
    const onPg = await runCliAsync(['run', study(dir, 'pg.yaml', url), '--json'], { cwd: dir });
    expect(onPg.stderr).not.toMatch(/valuelex: /);
    expect(onPg.code).toBe(0);
    const onSqlite = await runCliAsync(['run', study(dir, 'sqlite.yaml', 'sqlite/run.db'), '--json'], { cwd: dir });
    expect(onSqlite.code).toBe(0);
    const report = async (store: string): Promise<Record<string, unknown>> => {
      const r = await runCliAsync(['report', store, '--format', 'json'], { cwd: dir });
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as Record<string, unknown>;
      delete j.stages; // timestamps
      return j;
    };
    const html = await runCliAsync(['report', url, '--out', join(dir, 'report.html')], { cwd: dir });
    expect(html.code).toBe(0);
    const a = await report(url);
    const b = await report(join(dir, 'sqlite/run.db'));
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    for (const k of Object.keys(b)) expect(a[k], k).toEqual(b[k]);
    // One profile per model and dimension (3 models x 18 prompts are few respondents: the taxonomy
    // reports what they support, and with no dimension the profiles are on Schwartz's ten values).
    const dims = (a.taxonomy as { nfactors: number }).nfactors || 10;
    expect((a.profiles as unknown[]).length).toBe(3 * dims);
    // Files a stage writes go to runs/<database>/.
    const fs = await import('node:fs');
    expect(fs.existsSync(join(dir, 'runs', 'vlx_study', 'taxonomy.yaml'))).toBe(true);

    const artifacts = [join(dir, 'report.html'), join(dir, 'runs', 'vlx_study', 'taxonomy.yaml'), join(dir, 'runs', 'vlx_study', 'lexicon.csv')].map((f) => fs.readFileSync(f, 'utf8'));
    const probe = new pg.Client({ connectionString: url });
    await probe.connect();
    const metaDump = JSON.stringify((await probe.query('SELECT * FROM meta')).rows) + JSON.stringify((await probe.query('SELECT * FROM stage_runs')).rows);
    await probe.end();
    for (const text of [...artifacts, metaDump, JSON.stringify(a), onPg.stdout, onPg.stderr]) expect(text).not.toContain(planted);
    expect(metaDump).toContain('postgres:***@');

    const before = sim.stats.received;
    const again = await runCliAsync(['run', join(dir, 'pg.yaml'), '--resume', '--json'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(sim.stats.received).toBe(before);

    const store = RunStore.open(url);
    const release = store.acquireRunLock('test');
    try {
      const second = await runCliAsync(['run', join(dir, 'pg.yaml'), '--resume'], { cwd: dir });
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/in use by another valuelex process/);
    } finally {
      release();
      store.close();
    }
  }, 240_000);

  it('a run killed (SIGKILL) mid-stage resumes to the same results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-pgkill-'));
    const reference = await runCliAsync(['run', study(dir, 'sqlite.yaml', 'sqlite/run.db'), '--json'], { cwd: dir });
    expect(reference.code).toBe(0);
    const url = await pgs.createDatabase('vlx_killed');
    const file = study(dir, 'pg.yaml', url);
    const start = sim.stats.answered;
    const killed = await runCliAsync(['run', file], { cwd: dir, killWhen: () => sim.stats.answered - start >= 150, killSignal: 'SIGKILL' });
    expect(killed.signal).toBe('SIGKILL');
    const resumed = await runCliAsync(['run', file, '--resume', '--json'], { cwd: dir });
    expect(resumed.stderr).not.toMatch(/valuelex: /);
    expect(resumed.code).toBe(0);
    const json = async (store: string): Promise<Record<string, unknown>> => {
      const j = JSON.parse((await runCliAsync(['report', store, '--format', 'json'], { cwd: dir })).stdout) as Record<string, unknown>;
      delete j.stages;
      delete j.cost; // the killed run's in-flight requests are counted once more
      return j;
    };
    const a = await json(url);
    const b = await json(join(dir, 'sqlite/run.db'));
    for (const k of Object.keys(b)) expect(a[k], k).toEqual(b[k]);
  }, 240_000);

  it('names a connection failure without showing the password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-pgbad-'));
    const r = await runCliAsync(['report', 'postgres://alice:s3cr3t-pw@127.0.0.1:1/nowhere', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/postgres:\/\/alice:\*\*\*@127\.0\.0\.1:1\/nowhere: cannot connect to PostgreSQL/);
    expect(r.stderr + r.stdout).not.toContain('s3cr3t-pw');
  });
});
