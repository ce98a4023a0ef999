import { defineConfig } from 'vitest/config';

/**
 * The suites whose requests cross the gateway→subgraph hop in ways the transport could change
 * (headers, secret, deadline, cuts, error codes, limits, metrics, tracing, the commands): run a
 * second time with the gateway calling its co-located subgraphs over loopback HTTP. Every other
 * suite runs with the default, in-process.
 */
const BOTH_TRANSPORTS = [
  'test/gateway/*.e2e.ts',
  'test/reliability/{access,deadline,faults,limits,ops}.e2e.ts',
  'test/idempotency/{commit-faults,mutations}.e2e.ts',
  'test/smm/errors.e2e.ts',
  'test/partial/dashboard.e2e.ts',
  'test/prod/commands.e2e.ts',
];

// One config, two layers told apart by suffix: *.test.ts (unit, per subgraph) and
// *.e2e.ts (real HTTP through the gateway to the emulators). Benchmarks live in bench/.
// Two projects: `local` (everything, SUBGRAPH_TRANSPORT=local, the default of `npm start`) and
// `http` (BOTH_TRANSPORTS again over HTTP); `--project local` runs one mode only.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // WORKERS: the commands tests spawn run in one process (npm start's default is one per
    // core); a test that wants more sets it itself
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', WORKERS: '1' },
    // through Vite like our own code, so both load graphql's ESM build: graphql refuses schemas
    // built by its other copy ("from another module or realm")
    server: { deps: { inline: ['@graphql-inspector/core'] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'local',
          include: ['test/**/*.test.ts', 'test/**/*.e2e.ts'],
          env: { SUBGRAPH_TRANSPORT: 'local' },
        },
      },
      {
        extends: true,
        test: { name: 'http', include: BOTH_TRANSPORTS, env: { SUBGRAPH_TRANSPORT: 'http' } },
      },
    ],
  },
});
