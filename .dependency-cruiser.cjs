/**
 * The layering rule of src/, checked by test/architecture/layers.test.ts (and `npm run lint:deps`):
 *
 *   cli, web -> report -> study, evaluation -> judge -> engine, embed, sim -> store
 *            -> values, config, text, stats -> core
 *
 * A module may import its own layer and the layers below it, never one above; `import type` edges
 * count (the swc parser reads them). src/index.ts is the library's composition root and may import
 * anything. Only src/sim itself, the composition roots (src/index.ts, src/cli) and tests import
 * src/sim. SQL is written only in src/store and in `tables.ts` files, so only those import the query
 * layer (kysely, src/store/sql.ts).
 */
const LAYERS = [
  ['core'],
  ['stats', 'text', 'config', 'values'],
  ['store'],
  ['engine', 'embed', 'sim'],
  ['judge'],
  ['study', 'evaluation'],
  ['report'],
  ['cli', 'web'],
];

const folders = (names) => `^src/(${names.join('|')})/`;

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${i}-imports-upward`,
  comment: `${layer.join(', ')} may import only ${LAYERS.slice(0, i + 1).flat().join(', ')}`,
  severity: 'error',
  from: { path: folders(layer) },
  to: { path: folders(LAYERS.slice(i + 1).flat()) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'only-composition-roots-import-sim',
      comment: 'the simulated population is handed in by src/index.ts and src/cli (and tests); the library never loads it itself',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/sim/', '^src/cli/', '^src/index\\.ts$'] },
      to: { path: '^src/sim/' },
    },
    {
      name: 'sql-only-in-store-and-tables',
      comment: 'SQL lives in src/store and the tables.ts files; every other module goes through their typed functions',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/store/', '/tables\\.ts$'] },
      to: { path: ['^src/store/(sql|connection|postgres|pg-worker)\\.ts$', '^node_modules/(kysely|better-sqlite3|pg)/'] },
    },
    {
      name: 'stats-is-pure',
      comment: 'src/stats imports nothing from the rest of the library',
      severity: 'error',
      from: { path: '^src/stats/' },
      to: { path: '^src/', pathNot: '^src/stats/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    // TypeScript 7 ships no compiler API; swc parses TypeScript, type-only imports included.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src/|node_modules/(kysely|better-sqlite3|pg)/)',
  },
};
