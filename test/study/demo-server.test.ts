/**
 * The demo finishes on a user's server (issue 20, item 5): pointed at an OpenAI-compatible server
 * with a handful of models (here the simulated server, as a user's vLLM or Ollama would be), the
 * demo never dies on adequacy. It says what is weak and completes the report with what the data
 * support; when no taxonomy can be built, the profiles fall back to Schwartz's values with the
 * reason stated.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../src/config/schema.js';
import { defaultPopulation } from '../../src/sim/population.js';
import { SIMULATED_PROVIDERS } from '../../src/sim/provider.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { RunStore } from '../../src/store/store.js';
import { runConfig } from '../../src/study/run.js';
import { loadTaxonomy } from '../../src/study/stages/taxonomy/stage.js';
import { runCliAsync } from '../helpers/cli.js';

/** Three models of the default simulated population (names drawn from its seed). */
const [M1, M2, M3] = defaultPopulation().models.map((m) => m.name) as [string, string, string];

describe('the demo completes on a small population', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer();
  });
  afterAll(async () => server.close());

  it('three models on an OpenAI-compatible server: the demo writes its report, whatever the adequacy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-demo-server-'));
    const r = await runCliAsync(['demo', '--dir', join(dir, 'demo'), '--json'], {
      cwd: dir,
      env: { VALUELEX_BASE_URL: `${server.url}/v1`, VALUELEX_MODELS: `sim/${M1},sim/${M2},sim/${M3}` },
    });
    expect(r.stderr).not.toMatch(/valuelex: /);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { population: string; stages: Array<{ stage: string; status: string }>; report: { html: string } };
    expect(out.population).toBe('server');
    expect(out.stages.map((s) => s.stage)).toEqual(['elicit', 'rate', 'taxonomy', 'projective', 'choices']);
    expect(existsSync(out.report.html)).toBe(true);
    const html = readFileSync(out.report.html, 'utf8');
    expect(html).toContain('Value taxonomy');
    expect(html).toContain('Unit of analysis');
    // Three models cannot be split into folds of held-out models: said, not hidden.
    expect(html).toMatch(/Validation on held-out models not run: validation over held-out models needs at least 4 models/);
  }, 300_000);

  it('a study whose elicitation supports no structure completes with a lexicon-only taxonomy and Schwartz profiles, each with its reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-demo-empty-'));
    const store = join(dir, 'run.db');
    // One sample of two prompts from two models: too few respondents for any term to be analysed.
    const config = studyConfigSchema.parse({
      name: 'tiny',
      store,
      models: [M1, M2].map((m) => ({ name: m, provider: 'simulated', model: `sim/${m}` })),
      judge: { name: 'judge', provider: 'simulated', model: `sim/${M3}` },
      elicit: { prompts: ['fp-list-core', 'fp-json-values'], samples: 1, min_count: 1, min_models: 1 },
      taxonomy: { enforce_adequacy: false },
      projective: { samples: 1 },
      stages: ['elicit', 'taxonomy', 'projective'],
    });
    const logs: string[] = [];
    await runConfig(config, store, { factories: SIMULATED_PROVIDERS, progress: false, log: (m) => logs.push(m) });
    const db = RunStore.open(store, { readonly: true });
    const t = loadTaxonomy(db)!;
    db.close();
    expect(t.status).toBe('no-structure');
    expect(t.system.dimensions).toEqual([]);
    expect(t.status_reason).toMatch(/terms are named often enough/);
    expect(logs.join('\n')).toMatch(/projective: the run's taxonomy has no dimensions \(.*\), so the profiles use Schwartz's ten values instead/);
    // The same study with adequacy enforced (a study's default) refuses with one clear line.
    const strict = studyConfigSchema.parse({ ...config, name: 'tiny-strict', store: join(dir, 'strict.db'), taxonomy: {}, stages: ['elicit', 'taxonomy'] });
    await expect(runConfig(strict, join(dir, 'strict.db'), { factories: SIMULATED_PROVIDERS, progress: false })).rejects.toThrow(/taxonomy: only \d+ terms are named often enough .* set taxonomy.enforce_adequacy: false/);
  }, 120_000);
});
