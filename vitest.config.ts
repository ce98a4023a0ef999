import { defineConfig } from 'vitest/config';

// One config, two layers told apart by suffix: *.test.ts (unit, per subgraph) and
// *.e2e.ts (real HTTP through the gateway to the emulators). Benchmarks live in bench/.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.e2e.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // WORKERS: the commands tests spawn run in one process (npm start's default is one per
    // core); a test that wants more sets it itself
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', WORKERS: '1' },
    // through Vite like our own code, so both load graphql's ESM build: graphql refuses schemas
    // built by its other copy ("from another module or realm")
    server: { deps: { inline: ['@graphql-inspector/core'] } },
  },
});
