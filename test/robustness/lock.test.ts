import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population, by role (their names are drawn from its seed). */
const [BASE] = pickSimNames('base') as [string];

const distStore = fileURLToPath(new URL('../../dist/store/store.js', import.meta.url));

/** A second process that holds the run lock until killed. */
function holdLock(db: string): Promise<import('node:child_process').ChildProcess> {
  const child = spawn(process.execPath, [
    '--input-type=module',
    '-e',
    `import { RunStore } from ${JSON.stringify(distStore)}; const s = RunStore.open(${JSON.stringify(db)}); s.acquireRunLock('test holder'); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`,
  ]);
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve(child);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
  });
}

describe('two processes on one run database', () => {
  it('the second refuses with a clear message while the first is alive, and takes over after a kill', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-lock-'));
    const db = join(dir, 'run.db');
    const study = join(dir, 'study.yaml');
    writeFileSync(study, `name: lock\nstore: ${db}\nmodels:\n  - {name: a, provider: simulated, model: sim/${BASE}}\nstages: []\n`);
    const holder = await holdLock(db);
    try {
      const r = runCli(['run', study]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`in use by another valuelex process \\(pid ${holder.pid}`));
    } finally {
      holder.kill('SIGKILL');
      await new Promise((res) => holder.once('exit', res));
    }
    const after = runCli(['run', study]);
    expect(after.stderr).not.toMatch(/in use by another/);
    expect(after.code).toBe(0);
    // The lock is released at the end of the run.
    const store = RunStore.open(db);
    expect(store.getMeta('run_lock')).toBeUndefined();
    store.close();
  });

  it('readers open a locked database (WAL) while a writer holds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-lock-'));
    const db = join(dir, 'run.db');
    const holder = await holdLock(db);
    try {
      const reader = RunStore.open(db, { readonly: true });
      expect(reader.listModels()).toEqual([]);
      reader.close();
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
