// Writes dist/help-cache.json: the help text of `valuelex`, of every command and of every
// subcommand, as commander prints it, so the launcher (bin/valuelex.js) answers `valuelex <cmd>
// --help` without loading commander or any command module (start-up is mostly loading modules).
// Run by `npm run build` after tsc; the launcher ignores the cache when any file it was made from
// changed since (it records their sizes and modification times).
import { statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMAND_MODULES } from '../dist/cli/commands/index.js';
import { buildProgram } from '../dist/cli/program.js';
import { createRequire } from 'node:module';

const { helpCacheSources } = createRequire(import.meta.url)('../bin/help-cache-sources.js');
const root = fileURLToPath(new URL('..', import.meta.url));
const program = buildProgram(await Promise.all(COMMAND_MODULES.map((m) => m.load())));
const texts = {};
const visit = (cmd, path) => {
  texts[path.join(' ')] = cmd.helpInformation();
  for (const sub of cmd.commands) {
    for (const name of [sub.name(), ...sub.aliases()]) visit(sub, [...path, name]);
  }
};
visit(program, []);
const sources = helpCacheSources(root).map((file) => {
  const st = statSync(file);
  return [file.slice(root.length), st.size, st.mtimeMs];
});
writeFileSync(new URL('../dist/help-cache.json', import.meta.url), JSON.stringify({ sources, texts }));
console.log(`help cache: ${Object.keys(texts).length} help texts from ${sources.length} files`);
