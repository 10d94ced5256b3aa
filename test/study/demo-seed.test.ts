/**
 * `valuelex demo --seed N` on the simulated population: each seed draws its own planted world, and
 * the report's planted_vs_recovered section reflects that world (its seed, its number of dimensions,
 * its words), labelled SIMULATED in every format.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawPopulation } from '../../src/sim/population.js';
import { runCliAsync } from '../helpers/cli.js';

const env = { VALUELEX_DEMO_POPULATION: 'simulated', VALUELEX_BASE_URL: '', OLLAMA_HOST: '' };

describe('valuelex demo --seed', () => {
  it('two seeds give two planted structures, and each report scores its own', async () => {
    const seen: Array<{ seed: number; planted: number; matched: string[] }> = [];
    for (const seed of [11, 23]) {
      const dir = mkdtempSync(join(tmpdir(), `vlx-demo-seed-${seed}-`));
      const r = await runCliAsync(['demo', '--seed', String(seed), '--dir', dir, '--json'], { env });
      expect(r.stderr).not.toMatch(/valuelex: /);
      expect(r.code).toBe(0);
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
      const p = report.planted_vs_recovered;
      const truth = drawPopulation(seed);
      expect(p.simulated).toBe(true);
      expect(p.seed).toBe(seed);
      expect(p.dimensions.planted).toBe(truth.dimensions.length);
      expect(p.words.planted).toBe(truth.dimensions.reduce((n, d) => n + d.words.length, 0));
      expect(p.matching.map((m: { planted: string }) => m.planted)).toEqual(truth.dimensions.map((d) => d.id));
      expect(['recovered', 'partly recovered', 'not recovered']).toContain(p.verdict.structure);
      expect(p.verdict.summary).toMatch(/^SIMULATED self-test/);
      // The taxonomy's words are the planted world's, not the default population's.
      const words = new Set(truth.dimensions.flatMap((d) => d.words));
      const taxWords = report.taxonomy.dimensions.flatMap((d: { words: string[] }) => d.words);
      expect(taxWords.filter((w: string) => words.has(w)).length).toBe(p.words.kept);
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('Planted vs recovered (SIMULATED self-test of the method)');
      expect(html).toContain(`population seed ${seed}`);
      seen.push({ seed, planted: p.dimensions.planted, matched: truth.dimensions.flatMap((d) => d.words).sort() });
    }
    expect(seen[0]!.matched).not.toEqual(seen[1]!.matched);
  }, 300_000);
});
