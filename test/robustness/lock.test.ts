import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../src/store/store.js';
import { currentProcess, holderState, processStartTicks } from '../../src/store/process-identity.js';
import { runCli } from '../helpers/cli.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population by role (names are drawn from its seed). */
const [SIM_BASE] = pickSimNames('base') as string[] as [string];

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

/** Plant a lock record as another process (or machine) would have left it. */
function plantLock(db: string, holder: Record<string, unknown>): void {
  const store = RunStore.open(db);
  store.setMeta('run_lock', JSON.stringify({ purpose: 'run', since: '2024-01-01T00:00:00.000Z', ...holder }));
  store.close();
}

describe('stale run locks', () => {
  const me = currentProcess();
  const setup = (): { db: string; study: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-stale-'));
    const db = join(dir, 'run.db');
    const study = join(dir, 'study.yaml');
    writeFileSync(study, `name: lock\nstore: ${db}\nmodels:\n  - {name: a, provider: simulated, model: sim/${SIM_BASE}}\nstages: []\n`);
    return { db, study };
  };

  it('a lock whose PID now belongs to another process (pid 1 in a new container) is taken over, not blamed on pid 1', () => {
    const { db, study } = setup();
    plantLock(db, { ...me, pid: 1, start_ticks: (processStartTicks(1) ?? 0) + 12345 });
    const r = runCli(['run', study]);
    expect(r.stderr).not.toMatch(/in use by another/);
    expect(r.stderr).toMatch(/taking over a stale run lock \(pid 1 on .*\): pid 1 now belongs to another process/);
    expect(r.code).toBe(0);
  });

  it('a lock from before a reboot (another boot id) or from a dead process is taken over', () => {
    const { db, study } = setup();
    plantLock(db, { ...me, pid: 1, boot_id: '00000000-0000-0000-0000-000000000000' });
    expect(runCli(['run', study]).stderr).toMatch(/stale run lock .*the machine has restarted since/);
    plantLock(db, { ...me, pid: 2 ** 22 - 3, start_ticks: 1 });
    const r = runCli(['run', study]);
    expect(r.stderr).toMatch(/stale run lock .*no process 4194301 runs any more/);
    expect(r.code).toBe(0);
  });

  it('a lock from another machine or container is refused with the way out, and --break-lock takes it with a warning', () => {
    const { db, study } = setup();
    plantLock(db, { pid: 1, host: 'old-container-7f3a', boot_id: 'another-boot', pid_ns: 'pid:[1]', start_ticks: 99 });
    const refused = runCli(['run', study, '--resume']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/locked by pid 1 on old-container-7f3a, run since 2024-01-01T00:00:00\.000Z, which cannot be checked from here \(it was taken on host old-container-7f3a, another machine or container\); if no valuelex process runs there any more, re-run with --break-lock/);
    const broken = runCli(['run', study, '--resume', '--break-lock']);
    expect(broken.stderr).toMatch(/warning: breaking the run lock of pid 1 on old-container-7f3a/);
    expect(broken.code).toBe(0);
    const store = RunStore.open(db, { readonly: true });
    expect(store.getMeta('run_lock')).toBeUndefined();
    store.close();
  });

  it('the same host in another PID namespace (a container sharing the kernel) cannot be checked either', () => {
    expect(holderState({ ...me, pid: me.pid, pid_ns: 'pid:[999]' }, me).state).toBe(me.pid_ns ? 'unknown' : 'alive');
    expect(holderState({ ...me }, me)).toEqual({ state: 'alive', self: true });
  });

  it('stage runs a killed process left running are marked interrupted by the next run', () => {
    const { db, study } = setup();
    const store = RunStore.open(db);
    store.startStage('elicit', {});
    store.close();
    expect(runCli(['run', study]).code).toBe(0);
    const after = RunStore.open(db, { readonly: true });
    expect(after.stageRuns().map((s) => s.status)).toEqual(['interrupted']);
    after.close();
  });
});
