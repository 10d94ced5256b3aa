// Bundles the dependencies that ship as many small modules into one file each under dist/vendor/
// and points the compiled modules at them.
//
// Why: a command's start-up was mostly module loading, and three packages were most of it: kysely
// (some 260 ES modules; 0.45 s -> 0.22 s for `valuelex lexicon run.db`, issue 24), zod (about 100
// ES modules; 0.05-0.1 s of a 2,000-request `valuelex run`) and yaml (35 CommonJS modules). kysely is
// private to the store (src/store/sql.ts; the dependency-cruiser rule keeps SQL there) and yaml to
// the config loader and the YAML writers. zod's schemas are part of the public API
// (studyConfigSchema, ...): a user's own zod composes them and `instanceof` recognises them and
// their errors across copies, as zod 4 checks its classes by trait, not by identity. The type
// declarations still name the packages, which stay dependencies. Run by `npm run build` after tsc.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const vendor = join(dist, 'vendor');
const BUNDLED = ['kysely', 'yaml', 'zod'];

for (const name of BUNDLED) {
  const pkgDir = join(root, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const license = readFileSync(join(pkgDir, 'LICENSE'), 'utf8').trim();
  // Named re-exports, listed: `export *` from a CommonJS package (yaml) would give an ES module
  // without static names, and `import { parseDocument }` from it would fail.
  const names = Object.keys(await import(name)).filter((n) => n !== 'default' && n !== '__esModule');
  await build({
    stdin: { contents: `export { ${names.join(', ')} } from '${name}';`, resolveDir: root, sourcefile: `${name}-entry.js`, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: join(vendor, `${name}.js`),
    banner: {
      js: [
        `/*! ${name} ${pkg.version}, bundled by scripts/bundle-deps.mjs.\n${license.replace(/\*\//g, '* /')}\n*/`,
        // CommonJS code in the bundle may require Node's built-ins.
        "import { createRequire as __vlxCreateRequire } from 'node:module';\nconst require = __vlxCreateRequire(import.meta.url);",
      ].join('\n'),
    },
    legalComments: 'inline',
    logLevel: 'warning',
  });
}

// `from 'kysely'` in a compiled module becomes the relative path of its bundle.
const IMPORT = new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(\\s*)(['"])(${BUNDLED.join('|')})\\2`, 'g');
const rewritten = new Set();
const visit = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (file !== vendor) visit(file);
    } else if (entry.name.endsWith('.js')) {
      const text = readFileSync(file, 'utf8');
      const out = text.replace(IMPORT, (_m, lead, quote, name) => {
        rewritten.add(name);
        const target = relative(dirname(file), join(vendor, `${name}.js`)).split('\\').join('/');
        return `${lead}${quote}${target.startsWith('.') ? target : `./${target}`}${quote}`;
      });
      if (out !== text) writeFileSync(file, out);
    }
  }
};
visit(dist);
// A package no compiled module imports any more should leave this list, not ship unused.
for (const name of BUNDLED) if (!rewritten.has(name)) throw new Error(`bundle-deps: no compiled module imports ${name}; update scripts/bundle-deps.mjs`);
