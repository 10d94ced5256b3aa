/**
 * The command line loads only what the command it runs needs: `--version` answers from
 * package.json alone, and `valuelex <cmd> --help` loads the light command declarations, not the
 * engine, the store, the statistics or vega. The declared choices of `stats efa` equal src/stats'.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FACTOR_METHOD_NAMES, ROTATION_NAMES } from '../../src/cli/commands/stats.js';
import { FACTOR_METHODS } from '../../src/stats/efa.js';
import { ROTATIONS } from '../../src/stats/rotations.js';
import { COMMAND_MODULES } from '../../src/cli/commands/index.js';
import { Command } from 'commander';
import { startSimServer } from '../../src/sim/server.js';
import { CLI } from '../helpers/cli.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population by role (names are drawn from its seed). */
const [SIM_INSTRUCT_B] = pickSimNames('instruct') as string[] as [string];

const recorder = fileURLToPath(new URL('../helpers/import-recorder.mjs', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The modules a command resolves, run asynchronously (a local server answers in this process). */
function loadedAsync(args: string[], cwd: string): Promise<{ code: number | null; stderr: string; modules: string[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'vlx-imports-')), 'imports.txt');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', recorder, CLI, ...args], { cwd, env: { ...process.env, VALUELEX_TEST_IMPORTS: file } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    child.on('close', (code) => resolve({ code, stderr, modules: readFileSync(file, 'utf8').split('\n').filter(Boolean) }));
  });
}

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

  it('<command> --help loads no library code, through commander too (a line the help cache does not hold)', () => {
    for (const cmd of [['report', '--help'], ['run', '--help'], ['stats', 'efa', '--help'], ['evaluate', '--help'], ['--help'], ['run', 'study.yaml', '--help']]) {
      const { stdout, modules } = loaded(cmd);
      expect(stdout).toMatch(/Usage: valuelex/);
      expect(modules.filter((m) => heavy.test(m)), cmd.join(' ')).toEqual([]);
    }
  });

  it('<command> --help comes from the build\'s help cache, byte for byte what commander prints, loading no CLI module', async () => {
    const { buildProgram } = (await import(new URL('../../dist/cli/program.js', import.meta.url).href)) as typeof import('../../src/cli/program.js');
    const program = buildProgram(await Promise.all(COMMAND_MODULES.map((m) => m.load())));
    const cache = JSON.parse(readFileSync(new URL('../../dist/help-cache.json', import.meta.url), 'utf8')) as { texts: Record<string, string> };
    const find = (path: string[]): Command => path.reduce((c, name) => c.commands.find((x) => x.name() === name)!, program);
    for (const path of [[], ['run'], ['stats', 'efa'], ['report'], ['align'], ['demo']]) {
      const { stdout, modules } = loaded([...path, '--help']);
      expect(stdout, path.join(' ')).toBe(find(path).helpInformation());
      expect(cache.texts[path.join(' ')]).toBe(stdout);
      expect(modules.filter((m) => m.includes('/dist/')), path.join(' ')).toEqual([]);
    }
    // Anything else on the line goes to commander as before.
    expect(loaded(['run', 'study.yaml', '--help']).stdout).toBe(find(['run']).helpInformation());
  });

  it('each entry of the command table names exactly the commands its module declares', async () => {
    const all = new Command();
    for (const m of COMMAND_MODULES) {
      const program = new Command();
      (await m.load())(program);
      expect(program.commands.map((c) => c.name()).sort(), m.names.join(',')).toEqual([...m.names].sort());
      (await m.load())(all);
    }
    expect(new Set(all.commands.map((c) => c.name())).size).toBe(all.commands.length);
  });

  it('run --stages elicit loads the elicit stage alone: no other stage, statistics, judge, embeddings, SDK or PostgreSQL driver', async () => {
    const server = await startSimServer();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'vlx-run-imports-'));
      writeFileSync(
        join(dir, 'study.yaml'),
        `name: imports\nstore: run.db\nmodels:\n  - {name: m, provider: openai, model: sim/${SIM_INSTRUCT_B}, base_url: "${server.url}/v1"}\nelicit: {prompts: [fp-list-core], samples: 2}\n`,
      );
      const r = await loadedAsync(['run', 'study.yaml', '--stages', 'elicit', '--json'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(server.stats.answered).toBe(2);
      expect(r.modules.some((m) => m.includes('/dist/study/stages/elicit/stage.js'))).toBe(true);
      const unwanted = /\/dist\/study\/stages\/(rate|taxonomy|projective)\/|\/dist\/(stats\/(?!rng\.js)|judge|embed|evaluation|report\/html|web)\/|\/node_modules\/(openai|@anthropic-ai|synckit|pg|ml-matrix|vega|vega-lite|node-llama-cpp|@huggingface|cli-progress)\//;
      expect(r.modules.filter((m) => unwanted.test(m))).toEqual([]);
      // The store's query builder, the config's YAML parser and zod are the build's one-file bundles
      // (scripts/bundle-deps.mjs), and the shipped lemma table stands in for wink (src/text/lemma-table.ts).
      expect([...new Set(r.modules.filter((m) => m.includes('/dist/vendor/')).map((m) => m.replace(/.*\/dist\//, '')))].sort()).toEqual(['vendor/kysely.js', 'vendor/yaml.js', 'vendor/zod.js']);
      expect(r.modules.filter((m) => /\/node_modules\/(kysely|yaml|zod|wink-nlp|wink-eng-lite-web-model)\/.*\.js$/.test(m))).toEqual([]);
      // Only the declarations of the command asked for.
      expect(r.modules.filter((m) => m.includes('/dist/cli/commands/') && !/\/(index|study)\.js$/.test(m))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('the declared choices of stats efa are the statistics library\'s', () => {
    expect([...FACTOR_METHOD_NAMES]).toEqual([...FACTOR_METHODS]);
    expect([...ROTATION_NAMES]).toEqual([...ROTATIONS]);
  });
});
