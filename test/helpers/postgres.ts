/**
 * A real PostgreSQL server for tests: the one named by VALUELEX_TEST_POSTGRES (an admin URL), or a
 * throwaway cluster started here from Debian's postgresql package (initdb + pg_ctl on a free
 * loopback port, trust authentication, data in a temporary folder; as root the server runs as the
 * postgres user). `.ci/run` installs the package, so CI always has one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** Admin URL (database postgres). */
  adminUrl: string;
  /** A fresh database; returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

function pgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startTestPostgres(): Promise<TestPostgres | string> {
  const given = process.env.VALUELEX_TEST_POSTGRES;
  let adminUrl: string;
  let stop = (): void => {};
  if (given) adminUrl = given;
  else {
    const bin = pgBin();
    if (!bin) return 'no PostgreSQL server: set VALUELEX_TEST_POSTGRES or install Debian postgresql (.ci/run does)';
    const root = process.getuid?.() === 0;
    const uid = root ? Number(execFileSync('id', ['-u', 'postgres']).toString().trim()) : undefined;
    const gid = root ? Number(execFileSync('id', ['-g', 'postgres']).toString().trim()) : undefined;
    const dir = mkdtempSync(join(tmpdir(), 'vlx-pg-'));
    chmodSync(dir, 0o755);
    const data = join(dir, 'data');
    if (root) chownSync(dir, uid!, gid!);
    const as = (cmd: string, args: string[]): ReturnType<typeof spawnSync> =>
      root ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
    const init = as(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    if (init.status !== 0) return `initdb failed: ${String(init.stderr)}`;
    const port = await freePort();
    const start = as(join(bin, 'pg_ctl'), ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`, 'start']);
    if (start.status !== 0) return `pg_ctl start failed: ${String(start.stderr)}`;
    adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    stop = () => {
      as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    };
  }
  return {
    adminUrl,
    async createDatabase(name: string): Promise<string> {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      return u.toString();
    },
    stop,
  };
}
