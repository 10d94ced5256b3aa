/**
 * Fault injection end to end (issues 2 and 7): a multi-model study through the CLI against the
 * local model server while it returns 429s with Retry-After, 500s, timeouts, truncated and
 * malformed bodies, dropped connections, refusals and empty answers, and while the run is killed
 * with SIGKILL at random points several times. After resuming, the run database must equal one
 * made by an undisturbed run, and no request may be sent again after it was stored.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type AnsweredRequest, type FaultPlan, type SimServer } from '../../src/sim/server.js';
import { canonicalJson } from '../../src/core/hash.js';
import { createRng } from '../../src/stats/rng.js';
import { runCliAsync } from '../helpers/cli.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population, by role (their names are drawn from its seed). */
const [RLHF, INSTRUCT_A, INSTRUCT_B] = pickSimNames('rlhf', 'instruct', 'instruct') as [string, string, string];

const MODELS = [INSTRUCT_A, INSTRUCT_B, RLHF];

function writeStudy(dir: string, server: SimServer, timeoutMs: number): string {
  const models = MODELS.map(
    (m) => `  - {name: ${m}, provider: openai, base_url: "${server.url}/v1", model: sim/${m}, concurrency: 2, timeout_ms: ${timeoutMs}, max_retries: 12}`,
  ).join('\n');
  const file = join(dir, 'study.yaml');
  writeFileSync(file, `name: faults\nstore: run.db\nseed: 3\nmodels:\n${models}\nelicit:\n  samples: 3\n  temperature: 1.0\n`);
  return file;
}

/** The identity of a request as both the server and the run database can compute it. */
function identity(model: string, messages: unknown, prompt: unknown, seed: unknown): string {
  return canonicalJson({ model, messages: messages ?? null, prompt: prompt ?? null, seed: seed ?? null });
}

function storedIdentities(db: string): Set<string> {
  if (!existsSync(db)) return new Set();
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn.prepare(`SELECT model, request FROM requests WHERE status = 'ok'`).all() as Array<{ model: string; request: string }>;
    return new Set(
      rows.map((r) => {
        const q = JSON.parse(r.request) as { messages?: unknown; prompt?: unknown; params: { seed?: number } };
        return identity(r.model, q.messages, q.prompt, q.params.seed);
      }),
    );
  } finally {
    conn.close();
  }
}

/** Everything a finished run holds that must not depend on how the run got there. */
function snapshot(db: string): Record<string, unknown[]> {
  const conn = new Database(db, { readonly: true });
  try {
    return {
      requests: conn.prepare(`SELECT key, stage, model_name, text FROM requests WHERE status = 'ok' ORDER BY key`).all(),
      errors: conn.prepare(`SELECT key FROM requests WHERE status <> 'ok'`).all(),
      respondents: conn.prepare(`SELECT id, seq, model, prompt_id, sample, temperature, request_key, response_text, status, format FROM elicit_respondents ORDER BY id`).all(),
      descriptors: conn.prepare(`SELECT respondent_id, position, raw, descriptor, reject FROM elicit_descriptors ORDER BY respondent_id, position`).all(),
      lexicon: conn.prepare(`SELECT descriptor, count, n_models, per_model FROM lexicon ORDER BY descriptor`).all(),
    };
  } finally {
    conn.close();
  }
}

const faults: FaultPlan = {
  latencyMs: [20, 60],
  rates: { '429': 0.06, '500': 0.05, malformed: 0.03, truncated: 0.03, drop: 0.03, hang: 0.01 },
  contentRates: { refusal: 0.05, empty: 0.03 },
  retryAfterSeconds: 0.05,
  seed: 11,
};

describe('fault injection and kill/resume through the CLI', () => {
  let calm: SimServer;
  let stormy: SimServer;
  beforeAll(async () => {
    calm = await startSimServer({ faults: { latencyMs: 1, contentRates: faults.contentRates!, seed: 11 } });
    stormy = await startSimServer({ faults, log: true });
  });
  afterAll(async () => {
    await calm.close();
    await stormy.close();
  });

  it('a disturbed run (faults + repeated SIGKILL) ends equal to an undisturbed one, never resending a stored request', async () => {
    const env = { VALUELEX_RETRY_BASE_MS: '10', VALUELEX_RETRY_MAX_MS: '200' };
    // Reference: no transient faults, no kills (same stable refusals/empty answers).
    const refDir = mkdtempSync(join(tmpdir(), 'vlx-ref-'));
    const ref = await runCliAsync(['run', writeStudy(refDir, calm, 5000), '--stages', 'elicit'], { cwd: refDir, env });
    expect(ref.stderr, 'reference run').not.toMatch(/valuelex: /);
    expect(ref.code, `reference run exit code; stderr: ${ref.stderr.slice(-500)}`).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 'vlx-kill-'));
    const study = writeStudy(dir, stormy, 400);
    const db = join(dir, 'run.db');
    const rng = createRng(5);
    let kills = 0;
    let finished = false;
    for (let round = 0; round < 12 && !finished; round++) {
      const storedBefore = round === 0 ? new Set<string>() : storedIdentities(db);
      const logStart = stormy.stats.log.length;
      // Kill after a random number of new answers (not a time: a loaded machine starts slowly).
      const answeredAtStart = stormy.stats.answered;
      const killAfterAnswers = round < 4 ? 5 + Math.floor(rng.next() * 30) : undefined;
      const r = await runCliAsync(['run', study, '--stages', 'elicit', '--resume'], {
        cwd: dir,
        env,
        ...(killAfterAnswers !== undefined ? { killWhen: () => stormy.stats.answered - answeredAtStart >= killAfterAnswers, killSignal: 'SIGKILL' as const } : {}),
      });
      if (r.signal === 'SIGKILL') kills++;
      else {
        expect(r.stderr, `round ${round}`).not.toMatch(/valuelex: /);
        expect(r.code, `round ${round} exit code; stderr: ${r.stderr.slice(-500)}`).toBe(0);
        finished = true;
      }
      // No request the database already held at the start of this round reached the server again.
      const resent = stormy.stats.log.slice(logStart).filter((a: AnsweredRequest) => storedBefore.has(identity(a.model, a.messages, a.prompt, a.seed)));
      expect(resent).toEqual([]);
    }
    expect(finished, 'the run finished within 12 rounds').toBe(true);
    expect(kills, 'kills before the run finished').toBeGreaterThanOrEqual(2);
    // The storm really happened.
    const f = stormy.stats.faults;
    for (const kind of ['429', '500', 'malformed', 'truncated', 'drop'] as const) expect(f[kind] ?? 0).toBeGreaterThan(0);

    const a = snapshot(join(refDir, 'run.db'));
    const b = snapshot(db);
    expect(b.errors).toEqual([]);
    expect(b.requests.length).toBe(a.requests.length);
    expect(b.requests).toEqual(a.requests);
    expect(b.respondents).toEqual(a.respondents);
    expect(b.descriptors).toEqual(a.descriptors);
    expect(b.lexicon).toEqual(a.lexicon);
    // Refusals and empty answers were stored as answers and classified, not retried forever.
    const statuses = new Set((b.respondents as Array<{ status: string }>).map((x) => x.status));
    expect(statuses.has('refusal'), `statuses: ${[...statuses].join(', ')}`).toBe(true);
    expect(statuses.has('empty'), `statuses: ${[...statuses].join(', ')}`).toBe(true);
  }, 240_000);
});

describe('SIGINT', () => {
  it('stops cleanly with exit code 130, keeps what was answered, and --resume finishes the rest', async () => {
    const server = await startSimServer({ faults: { latencyMs: [30, 60] }, log: true });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'vlx-int-'));
      const study = writeStudy(dir, server, 5000);
      const first = await runCliAsync(['run', study, '--stages', 'elicit'], { cwd: dir, killWhen: () => server.stats.answered >= 20, killSignal: 'SIGINT' });
      expect(first.code).toBe(130);
      expect(first.stderr).toMatch(/interrupted/);
      const stored = storedIdentities(join(dir, 'run.db'));
      expect(stored.size).toBeGreaterThan(0);
      const logStart = server.stats.log.length;
      const second = await runCliAsync(['run', study, '--stages', 'elicit', '--resume'], { cwd: dir });
      expect(second.code).toBe(0);
      const resent = server.stats.log.slice(logStart).filter((a) => stored.has(identity(a.model, a.messages, a.prompt, a.seed)));
      expect(resent).toEqual([]);
      expect(storedIdentities(join(dir, 'run.db')).size).toBe(MODELS.length * 18 * 3);
    } finally {
      await server.close();
    }
  }, 120_000);
});
