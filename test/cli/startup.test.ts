/**
 * The command line loads only what the command it runs needs: `--version` answers from
 * package.json alone, and `valuelex <cmd> --help` loads the light command declarations, not the
 * engine, the store, the statistics or vega. The declared choices of `stats efa` equal src/stats'.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FACTOR_METHOD_NAMES, ROTATION_NAMES } from '../../src/cli/commands/stats.js';
import { FACTOR_METHODS } from '../../src/stats/efa.js';
import { ROTATIONS } from '../../src/stats/rotations.js';
import { CLI } from '../helpers/cli.js';

const recorder = fileURLToPath(new URL('../helpers/import-recorder.mjs', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function loaded(args: string[]): { stdout: string; modules: string[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'vlx-imports-')), 'imports.txt');
  const r = spawnSync(process.execPath, ['--import', recorder, CLI, ...args], { encoding: 'utf8', env: { ...process.env, VALUELEX_TEST_IMPORTS: file } });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout, modules: readFileSync(file, 'utf8').split('\n').filter(Boolean) };
}

// The stage names (dist/study/stage-names.js) are a constant list, light on purpose.
const heavy = /\/dist\/(engine|store|stats|evaluation|judge|embed|sim|web)\/|\/dist\/study\/(?!stage-names\.js)|\/node_modules\/(vega|vega-lite|better-sqlite3|kysely|openai|@anthropic-ai|node-llama-cpp|@huggingface|ml-matrix|wink-nlp)\//;

describe('command-line start-up', () => {
  it('--version answers from package.json without loading the CLI', () => {
    for (const flag of ['--version', '-V']) {
      const { stdout, modules } = loaded([flag]);
      expect(stdout.trim()).toBe(pkg.version);
      expect(modules.filter((m) => m.includes('/dist/'))).toEqual([]);
    }
  });

  it('<command> --help loads no library code', () => {
    for (const cmd of [['report', '--help'], ['run', '--help'], ['stats', 'efa', '--help'], ['evaluate', '--help'], ['--help']]) {
      const { stdout, modules } = loaded(cmd);
      expect(stdout).toMatch(/Usage: valuelex/);
      expect(modules.filter((m) => heavy.test(m)), cmd.join(' ')).toEqual([]);
    }
  });

  it('the declared choices of stats efa are the statistics library\'s', () => {
    expect([...FACTOR_METHOD_NAMES]).toEqual([...FACTOR_METHODS]);
    expect([...ROTATION_NAMES]).toEqual([...ROTATIONS]);
  });
});
