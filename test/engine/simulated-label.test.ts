/**
 * Simulated models are labelled from the evidence on the wire, whatever the study's `provider:`
 * says: the engine reads `x-valuelex-simulated: true` from the OpenAI, Anthropic and Ollama
 * protocols, records it per model in the run database (sticky, with a provenance note), and the
 * terminal and every report format label those models SIMULATED. A study mixing a plain server
 * and the simulated server labels each model correctly.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../src/config/schema.js';
import { SIMULATED_PROVIDERS } from '../../src/sim/provider.js';
import { defaultPopulation } from '../../src/sim/population.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { RunStore } from '../../src/store/store.js';
import { studyEngine } from '../../src/study/run.js';
import { runCliAsync } from '../helpers/cli.js';
import { startPlainServer, type PlainServer } from '../helpers/plain-server.js';
import { tempStore } from '../helpers/sql.js';

const simName = defaultPopulation().models.find((m) => m.training !== 'base')!.name;

describe('the engine labels models from the wire', () => {
  let sim: SimServer;
  let plain: PlainServer;
  beforeAll(async () => {
    sim = await startSimServer();
    plain = await startPlainServer(['plain-model']);
  });
  afterAll(async () => {
    await sim.close();
    await plain.close();
  });

  for (const provider of ['openai', 'anthropic', 'ollama'] as const) {
    it(`reads the declaration through the ${provider} protocol; a plain server stays unlabelled`, async () => {
      const store = tempStore();
      const config = studyConfigSchema.parse({
        name: 't',
        models: [
          { name: 'declared', provider, model: `sim/${simName}`, base_url: provider === 'openai' ? `${sim.url}/v1` : sim.url },
          { name: 'plain', provider: 'openai', model: 'plain-model', base_url: `${plain.url}/v1` },
        ],
      });
      const engine = studyEngine(config, store, { backoff: { baseMs: 5, maxRetries: 1 } });
      // Nothing is known before an answer arrives.
      expect(engine.isSimulated('declared')).toBe(false);
      for (const model of ['declared', 'plain']) await engine.generate({ model, stage: 'test', messages: [{ role: 'user', content: 'What values do you hold?' }] });
      expect(engine.isSimulated('declared')).toBe(true);
      expect(engine.isSimulated('plain')).toBe(false);
      expect(store.listModels().map((m) => [m.name, m.provider, m.simulated])).toEqual([
        ['declared', provider, true],
        ['plain', 'openai', false],
      ]);
      const evidence = store.simulationEvidence();
      expect(Object.keys(evidence)).toEqual(['declared']);
      expect(evidence.declared!.source).toBe('server');
      expect(evidence.declared!.detail).toContain('x-valuelex-simulated: true');
      expect(evidence.declared!.detail).toContain(sim.url);
      // The label is sticky: a new engine on the same database (every answer now cached) keeps it,
      // even if the configuration no longer points at the simulated server.
      const moved = studyConfigSchema.parse({ ...config, models: [{ ...config.models[0]!, base_url: `${plain.url}/v1` }, config.models[1]] });
      const again = studyEngine(moved, store);
      expect(again.isSimulated('declared')).toBe(true);
      const cached = await again.generate({ model: 'declared', stage: 'test', messages: [{ role: 'user', content: 'What values do you hold?' }] });
      expect(cached.cached).toBe(true);
      expect(store.listModels().find((m) => m.name === 'declared')!.simulated).toBe(true);
      store.close();
    });
  }

  it('labels the in-process simulated provider from the start, with its evidence', () => {
    const store = tempStore();
    const config = studyConfigSchema.parse({ name: 't', models: [{ name: 'inproc', provider: 'simulated', model: `sim/${simName}` }] });
    const engine = studyEngine(config, store, { factories: SIMULATED_PROVIDERS });
    expect(engine.isSimulated('inproc')).toBe(true);
    expect(store.simulationEvidence().inproc).toMatchObject({ source: 'provider' });
    store.close();
  });
});

describe('a study mixing a plain server and the simulated server, end to end', () => {
  let sim: SimServer;
  let plain: PlainServer;
  beforeAll(async () => {
    sim = await startSimServer();
    plain = await startPlainServer(['plain-model']);
  });
  afterAll(async () => {
    await sim.close();
    await plain.close();
  });

  it('labels each model in the terminal, the run database and every report format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-simlabel-'));
    const study = join(dir, 'study.yaml');
    // Both through `provider: openai`: only the wire tells them apart.
    writeFileSync(
      study,
      `name: mixed\nstore: run.db\nmodels:\n  - {name: real-ish, provider: openai, base_url: "${plain.url}/v1", model: plain-model}\n  - {name: synthetic, provider: openai, base_url: "${sim.url}/v1", model: "sim/${simName}"}\nelicit: {samples: 1, min_count: 1, min_models: 1}\n`,
    );
    const r = await runCliAsync(['run', study, '--stages', 'elicit'], { cwd: dir });
    expect(r.stderr).not.toMatch(/valuelex: /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^SIMULATED models \(synthetic answers, not real LLMs\): synthetic$/m);
    const json = await runCliAsync(['run', study, '--stages', 'elicit', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout).simulated).toEqual(['synthetic']);
    expect(json.stderr).toMatch(/SIMULATED models .*: synthetic/);

    const store = RunStore.open(join(dir, 'run.db'), { readonly: true });
    expect(store.listModels().map((m) => [m.name, m.simulated])).toEqual([
      ['real-ish', false],
      ['synthetic', true],
    ]);
    store.close();

    const report = async (format: string): Promise<string> => {
      const file = join(dir, `report.${format}`);
      const out = await runCliAsync(['report', join(dir, 'run.db'), '--format', format, '--out', file], { cwd: dir });
      expect(out.code, out.stderr).toBe(0);
      return readFileSync(file, 'utf8');
    };
    const model = JSON.parse(await report('json')) as { models: string[]; simulated_models: string[]; simulation_evidence: Record<string, { source: string; detail: string }> };
    expect(model.models).toEqual(['real-ish', 'synthetic']);
    expect(model.simulated_models).toEqual(['synthetic']);
    expect(Object.keys(model.simulation_evidence)).toEqual(['synthetic']);
    expect(model.simulation_evidence.synthetic!.source).toBe('server');
    const html = await report('html');
    expect(html).toMatch(/class="banner">SIMULATED: synthetic is a synthetic stand-in model/);
    expect(html).toContain('<code>synthetic</code> <b class="sim">SIMULATED</b>');
    expect(html).not.toContain('<code>real-ish</code> <b class="sim">SIMULATED</b>');
    expect(html).toContain('synthetic (SIMULATED)');
    expect(html).not.toContain('real-ish (SIMULATED)');
    const md = await report('md');
    expect(md).toMatch(/^> SIMULATED models .*: synthetic$/m);
    expect(md).toContain('Models: real-ish, synthetic (SIMULATED)');
    const csv = await report('csv');
    expect(csv).toContain('model,real-ish,simulated,false');
    expect(csv).toContain('model,synthetic,simulated,true');
  }, 120_000);
});
