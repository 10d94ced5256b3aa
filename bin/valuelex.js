#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (prepare script). `--version` answers
// from package.json before anything else loads.
import { existsSync, readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}
// `valuelex [<cmd> [<sub>]] --help` from the help texts the build wrote (scripts/help-cache.mjs),
// unless a file they were made from changed since: printing them loads no module at all.
const last = args[args.length - 1];
if ((last === '--help' || last === '-h') && args.slice(0, -1).every((a) => /^[a-z][a-z0-9-]*$/.test(a))) {
  const text = await cachedHelp(args.slice(0, -1).join(' '));
  if (text !== undefined) {
    process.stdout.write(text);
    process.exit(0);
  }
}

async function cachedHelp(key) {
  try {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const cache = JSON.parse(readFileSync(new URL('../dist/help-cache.json', import.meta.url), 'utf8'));
    const { helpCacheSources } = await import('./help-cache-sources.js');
    const now = helpCacheSources(root).map((file) => {
      const st = statSync(file);
      return [file.slice(root.length), st.size, st.mtimeMs];
    });
    if (JSON.stringify(now) !== JSON.stringify(cache.sources)) return undefined;
    return typeof cache.texts[key] === 'string' ? cache.texts[key] : undefined;
  } catch {
    return undefined; // no cache, or an unreadable one: commander answers
  }
}

// Node 22.1+ keeps V8's compiled code of the modules between runs (start-up is mostly loading
// modules); Node 20 has no such cache and skips this.
module.enableCompileCache?.();
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('valuelex: dist/ is missing; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
await import(entry.href);
