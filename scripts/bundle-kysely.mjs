// Bundles kysely into one file, dist/vendor/kysely.js, and points the compiled store at it.
//
// Why: kysely ships as some 260 small ES modules, and loading them was half of the start-up of
// every command that opens a run database (0.45 s -> 0.22 s for `valuelex lexicon run.db`, issue
// 24). Only src/store/sql.ts imports kysely (the store is the boundary; a dependency-cruiser rule
// keeps it so), and nothing of kysely crosses the public API at run time, so the bundled copy is
// private to the store; the type declarations still name the `kysely` package, which stays a
// dependency. Run by `npm run build` after tsc.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const out = join(dist, 'vendor', 'kysely.js');
const kysely = JSON.parse(readFileSync(join(root, 'node_modules', 'kysely', 'package.json'), 'utf8'));
const license = readFileSync(join(root, 'node_modules', 'kysely', 'LICENSE'), 'utf8').trim();

await build({
  stdin: { contents: "export * from 'kysely';", resolveDir: root, sourcefile: 'kysely-entry.js', loader: 'js' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: out,
  banner: { js: `/*! kysely ${kysely.version}, bundled by scripts/bundle-kysely.mjs.\n${license.replace(/\*\//g, '* /')}\n*/` },
  legalComments: 'inline',
  logLevel: 'warning',
});

// `from 'kysely'` in the compiled store becomes the relative path of the bundle.
const IMPORT = /(\bfrom\s*|\bimport\s*\(\s*)(['"])kysely\2/g;
let rewritten = 0;
const visit = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (file !== dirname(out)) visit(file);
    } else if (entry.name.endsWith('.js')) {
      const text = readFileSync(file, 'utf8');
      if (!IMPORT.test(text)) continue;
      IMPORT.lastIndex = 0;
      const target = relative(dirname(file), out).split('\\').join('/');
      writeFileSync(file, text.replace(IMPORT, (_m, lead, quote) => `${lead}${quote}${target.startsWith('.') ? target : `./${target}`}${quote}`));
      rewritten++;
    }
  }
};
visit(dist);
// A build that rewrote nothing means the store moved: fail loudly rather than ship the slow path.
if (rewritten === 0) throw new Error('bundle-kysely: no compiled module imports kysely; update scripts/bundle-kysely.mjs');
