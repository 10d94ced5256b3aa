import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure modules, in process, seconds: `npm run test:unit`) and `integration`
// (the engine, stores, stages, the built CLI, servers and browsers). `npm test` runs both.
const unit = ['test/{core,values,stats,text}/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: unit } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: unit } },
    ],
  },
});
