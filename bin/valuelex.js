#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (prepare script). It is CommonJS (see
// ./package.json) so that `--version` and `<cmd> --help` answer before Node's ES module loader
// starts (about 0.01 s): the version from package.json, the help texts from the cache the build
// wrote. Everything else imports the CLI (ES modules).
'use strict';
const { existsSync, readFileSync, statSync } = require('node:fs');
const { join, sep } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = join(__dirname, '..') + sep;
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`);
  process.exit(0);
}

/**
 * `valuelex [<cmd> [<sub>]] --help` from the help texts the build wrote (scripts/help-cache.mjs),
 * unless a file they were made from changed since: printing them loads no module at all.
 */
function cachedHelp(key) {
  try {
    const cache = JSON.parse(readFileSync(join(root, 'dist', 'help-cache.json'), 'utf8'));
    const { helpCacheSources } = require('./help-cache-sources.js');
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

const last = args[args.length - 1];
if ((last === '--help' || last === '-h') && args.slice(0, -1).every((a) => /^[a-z][a-z0-9-]*$/.test(a))) {
  const text = cachedHelp(args.slice(0, -1).join(' '));
  if (text !== undefined) {
    process.stdout.write(text);
    process.exit(0);
  }
}

// Node 22.1+ keeps V8's compiled code of the modules between runs (start-up is mostly loading
// modules); Node 20 has no such cache and skips this.
require('node:module').enableCompileCache?.();
const entry = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('valuelex: dist/ is missing; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
// A failure to load is reported by Node as an unhandled rejection, with its stack, exit code 1.
import(pathToFileURL(entry).href);
