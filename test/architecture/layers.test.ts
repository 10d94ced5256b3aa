/**
 * The layering rule of src/ (.dependency-cruiser.cjs): no module imports a layer above its own
 * (`import type` included), only the composition roots import src/sim, SQL only in src/store and
 * tables.ts files, src/stats stands alone, no cycles. Checked by dependency-cruiser on the sources.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: Array<{ name: string }>;
}

function cruise(cwd: string): { violations: string[]; modules: number } {
  const r = spawnSync(process.execPath, [bin, 'src', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0 && !r.stdout) throw new Error(`dependency-cruiser failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  return {
    violations: out.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`),
    modules: out.summary.totalCruised,
  };
}

describe('architecture', () => {
  it('src follows the layering rule', () => {
    const { violations, modules } = cruise(root);
    expect(violations).toEqual([]);
    expect(modules).toBeGreaterThan(100);
  }, 120_000);

  it('the rule catches an upward import, a type-only one too, and SQL outside its places', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-layers-'));
    const file = (path: string, text: string): void => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    file('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
    file('src/engine/engine.ts', 'export class Engine {}\n');
    file('src/store/sql.ts', 'export const sql = 1;\n');
    file('src/store/store.ts', "import type { Engine } from '../engine/engine.js';\nexport type E = Engine;\n");
    file('src/core/errors.ts', "import { Engine } from '../engine/engine.js';\nexport const e = Engine;\n");
    file('src/sim/population.ts', 'export const P = 1;\n');
    file('src/study/demo.ts', "import { P } from '../sim/population.js';\nimport { sql } from '../store/sql.js';\nexport const x = [P, sql];\n");
    const { violations } = cruise(dir);
    expect(violations).toEqual(
      expect.arrayContaining([
        'layer-2-imports-upward: src/store/store.ts -> src/engine/engine.ts',
        'layer-0-imports-upward: src/core/errors.ts -> src/engine/engine.ts',
        'only-composition-roots-import-sim: src/study/demo.ts -> src/sim/population.ts',
        'sql-only-in-store-and-tables: src/study/demo.ts -> src/store/sql.ts',
      ]),
    );
  }, 120_000);
});
