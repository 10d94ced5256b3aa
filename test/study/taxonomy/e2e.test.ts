/**
 * elicit -> rate -> taxonomy through the CLI against the local model server, with simulated
 * models whose answers follow the structure planted from the default population's seed (its
 * number of dimensions and their words are drawn, not the paper's): the taxonomy must find it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import Database from 'better-sqlite3';
import { defaultPopulation } from '../../../src/sim/population.js';
import { adjustedRandIndex } from '../../../src/stats/index.js';
import { startSimServer, type SimServer } from '../../../src/sim/server.js';
import { runCliAsync } from '../../helpers/cli.js';
import { pickSimNames } from '../../helpers/sim.js';

const MODELS = pickSimNames('instruct', 'instruct', 'rlhf', 'rlhf');
const PLANTED = defaultPopulation().dimensions;

describe('taxonomy recovers the planted structure end to end', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer();
  });
  afterAll(async () => server.close());

  it('finds the planted dimensions and their words, with adequacy, reliability and split-half CFA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-tax-'));
    const models = MODELS.map((m) => `  - {name: ${m}, provider: openai, base_url: "${server.url}/v1", model: sim/${m}, concurrency: 8}`).join('\n');
    const study = join(dir, 'study.yaml');
    writeFileSync(study, `name: tax\nstore: run.db\nmodels:\n${models}\nelicit: {samples: 3, min_count: 3, min_models: 2}\nrate: {respondents: 40, batch_size: 20, max_terms: 40}\n`);
    const r = await runCliAsync(['run', study, '--stages', 'elicit,rate,taxonomy', '--json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/valuelex: /);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { stages: Array<{ stage: string; summary: Record<string, unknown> }> };
    const tax = out.stages.find((s) => s.stage === 'taxonomy')!.summary as { nfactors: number; kmo: number };
    expect(tax.nfactors).toBe(PLANTED.length);
    expect(tax.kmo).toBeGreaterThan(0.7);
    const system = parse(readFileSync(join(dir, 'taxonomy.yaml'), 'utf8')) as { dimensions: Array<{ id: string; parent: string | null; loadings: Record<string, number> }> };
    const top = system.dimensions.filter((d) => d.parent === null);
    expect(top).toHaveLength(PLANTED.length);
    const plantedOf = new Map<string, string>();
    for (const d of PLANTED) for (const w of d.words) plantedOf.set(w, d.id);
    // Each found dimension is (almost) one planted dimension, and every planted one is found.
    const found = new Set<string>();
    const foundOf = new Map<string, string>();
    for (const d of top) {
      const words = Object.keys(d.loadings).filter((w) => plantedOf.has(w));
      for (const w of words) if (!foundOf.has(w)) foundOf.set(w, d.id);
      const counts = new Map<string, number>();
      for (const w of words) counts.set(plantedOf.get(w)!, (counts.get(plantedOf.get(w)!) ?? 0) + 1);
      const [bestId, best] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      expect(best / words.length).toBeGreaterThanOrEqual(0.9);
      found.add(bestId);
    }
    expect([...found].sort()).toEqual(PLANTED.map((d) => d.id).sort());
    // Agreement of the word partitions, planted vs recovered (adjusted Rand index), on the planted words kept.
    const shared = [...plantedOf.keys()].filter((w) => foundOf.has(w));
    expect(shared.length).toBeGreaterThanOrEqual(0.8 * plantedOf.size);
    expect(adjustedRandIndex(shared.map((w) => plantedOf.get(w)!), shared.map((w) => foundOf.get(w)!))).toBeGreaterThan(0.9);
    expect(system.dimensions.some((d) => d.parent !== null)).toBe(true);
    const db = new Database(join(dir, 'run.db'), { readonly: true });
    const meta = JSON.parse((db.prepare(`SELECT value FROM meta WHERE key = 'taxonomy'`).get() as { value: string }).value) as {
      alpha: Record<string, number>; omega: Record<string, number>; validation: { fit: { cfi: number; rmsea: number; srmr: number } | null; schwartz?: { factors: Record<string, string[]>; fit: { cfi: number } | null; error?: string } };
      schwartz_overlap?: Array<{ dimension: string; top: string }>;
      warnings: string[];
    };
    db.close();
    for (const d of top) expect(meta.alpha[d.id]).toBeGreaterThan(0.8);
    expect(meta.validation.fit).not.toBeNull();
    expect(meta.validation.fit!.cfi).toBeGreaterThan(0.9);
    // Schwartz's structure fitted on the same half for comparison; omega and overlap per dimension.
    expect(meta.validation.schwartz, meta.warnings.join('; ')).toBeDefined();
    expect(Object.keys(meta.validation.schwartz!.factors).length).toBeGreaterThanOrEqual(2);
    const sw = meta.validation.schwartz!;
    // Either a fit to compare with the taxonomy's, or the reason the data cannot support it.
    if (sw.fit) expect(Number.isFinite(sw.fit.cfi)).toBe(true);
    else expect(sw.error).toMatch(/./);
    for (const w of Object.values(meta.omega)) expect(w).toBeGreaterThan(0.5);
    expect(meta.schwartz_overlap!.length).toBe(Object.keys(meta.alpha).length);
  }, 300_000);
});
