// The files the help cache (dist/help-cache.json, scripts/help-cache.mjs) is made from: if any of
// them changed after the cache was written, the launcher ignores the cache. CommonJS, like the
// launcher that reads it.
'use strict';
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

function helpCacheSources(root) {
  const commands = join(root, 'dist', 'cli', 'commands');
  return [
    join(root, 'package.json'),
    join(root, 'dist', 'cli', 'program.js'),
    join(root, 'dist', 'study', 'stage-names.js'),
    join(root, 'dist', 'report', 'render.js'),
    join(root, 'node_modules', 'commander', 'package.json'),
    ...readdirSync(commands).filter((f) => f.endsWith('.js')).sort().map((f) => join(commands, f)),
  ];
}

module.exports = { helpCacheSources };
