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

// The compiled modules' JavaScript files, read once (their imports pick what each bundle exports).
const compiled = [];
const collect = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (file !== vendor) collect(file);
    } else if (entry.name.endsWith('.js')) compiled.push({ file, text: readFileSync(file, 'utf8') });
  }
};
collect(dist);

/**
 * The names the compiled modules import from a package: a bundle that exports only these lets
 * esbuild drop the rest (kysely's other dialects, migrator and plugins). Any namespace or dynamic
 * import of it, or a re-export, needs every name.
 */
function importedNames(name) {
  const q = `['"]${name}['"]`;
  const names = new Set();
  for (const { text } of compiled) {
    if (new RegExp(`import\\s*\\*\\s*as\\s+\\w+\\s+from\\s*${q}|import\\s*\\(\\s*${q}|export\\s*(?:\\*|\\{[^}]*\\})\\s*from\\s*${q}`).test(text)) return undefined;
    for (const m of text.matchAll(new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*${q}`, 'g'))) {
      for (const spec of m[1].split(',')) {
        const imported = spec.trim().split(/\s+as\s+/)[0];
        if (imported) names.add(imported);
      }
    }
  }
  return [...names];
}

/**
 * zod's error messages in other languages (z.locales.*, two thirds of zod's code) are never used
 * here: the bundle keeps English only. A user's zod keeps its own locales; composing with the
 * library's schemas does not involve ours.
 */
const englishOnlyZod = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: "export { default as en } from './en.js';", loader: 'js' }));
  },
};

for (const name of BUNDLED) {
  const pkgDir = join(root, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const license = readFileSync(join(pkgDir, 'LICENSE'), 'utf8').trim();
  // Named re-exports, listed: `export *` from a CommonJS package (yaml) would give an ES module
  // without static names, and `import { parseDocument }` from it would fail.
  const all = Object.keys(await import(name)).filter((n) => n !== 'default' && n !== '__esModule');
  const used = importedNames(name);
  const missing = (used ?? []).filter((n) => !all.includes(n));
  if (missing.length > 0) throw new Error(`bundle-deps: ${name} has no export ${missing.join(', ')}`);
  const names = used ?? all;
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
    // Start-up compiles every byte of a bundle: minified, with class and function names kept
    // (error messages and stack traces name them).
    minify: true,
    keepNames: true,
    plugins: name === 'zod' ? [englishOnlyZod] : [],
    logLevel: 'warning',
  });
}

// `from 'kysely'` in a compiled module becomes the relative path of its bundle.
const IMPORT = new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(\\s*)(['"])(${BUNDLED.join('|')})\\2`, 'g');
const rewritten = new Set();
for (const { file, text } of compiled) {
  const out = text.replace(IMPORT, (_m, lead, quote, name) => {
    rewritten.add(name);
    const target = relative(dirname(file), join(vendor, `${name}.js`)).split('\\').join('/');
    return `${lead}${quote}${target.startsWith('.') ? target : `./${target}`}${quote}`;
  });
  if (out !== text) writeFileSync(file, out);
}
// A package no compiled module imports any more should leave this list, not ship unused.
for (const name of BUNDLED) if (!rewritten.has(name)) throw new Error(`bundle-deps: no compiled module imports ${name}; update scripts/bundle-deps.mjs`);
