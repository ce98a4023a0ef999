// `npm start`: the whole graph on one machine. Every upstream whose URL is not configured is
// served by its emulator; Apollo Sandbox is the gateway's landing page.
// Ports: PORT (gateway, 4000), <API>_PORT (subgraphs, 4001..4004), <API>_EMULATOR_PORT
// (4101..4104); PORT=0 (or STACK_PORTS=random) puts every part on a free port.
// WORKERS (default: one per core): that many processes serve PORT together (node:cluster), each
// with its own gateway and subgraphs on free loopback ports; the emulators run once, in the
// primary, which hands their URLs and the gateway secret to every worker (and loads no gateway:
// stack/index.ts is imported where it runs).
// SIGTERM/SIGINT: stop accepting, let requests in flight finish (SHUTDOWN_TIMEOUT_MS), exit 0.
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { reportReady, superviseWorkers } from '../lib/cluster.ts';
import { ConfigError, runMain, subgraphTransport, workersFromEnv } from '../lib/config.ts';
import { useDataDir } from '../lib/data-dir.ts';
import { logger } from '../lib/logger.ts';
import { exitOnSignals, shutdownTimeoutMs } from '../lib/shutdown.ts';
import { startEmulators } from '../stack/emulators.ts';
import { parts } from '../stack/parts/index.ts';
import { stackPortsFromEnv, subgraphPortVar } from '../stack/ports.ts';

/** how the primary hands its emulators' environment (URLs, demo credentials) to the workers */
const EMULATOR_ENV = 'STACK_EMULATOR_ENV';

const graphiqlOf = (gatewayUrl: string) => new URL('/graphiql', gatewayUrl).toString();
const readyLine = (url: string) =>
  `gateway ready: ${url} (Apollo Sandbox in a browser; offline, GraphiQL at ${graphiqlOf(url)})`;

await runMain('npm start', async () => {
  const workers = workersFromEnv(availableParallelism());
  if (cluster.isWorker) return startWorker();
  // checked before any worker starts: each one's gateway calls its own subgraphs this way
  const transport = subgraphTransport();
  // idempotency records live in a file here, so a key used before a restart still replays after
  // it; every worker opens the same one (LMDB is safe across processes), or Redis with REDIS_URL
  const dataDir = useDataDir();
  const ports = stackPortsFromEnv();
  if (workers === 1) {
    const { startStack } = await import('../stack/index.ts');
    const stack = await startStack({ ports: ports.portOf, gatewayPort: ports.gateway });
    for (const [name, emu] of Object.entries(stack.emulators))
      logger.info({ api: name, url: emu.url }, `${name} emulator`);
    for (const [name, sg] of Object.entries(stack.subgraphs))
      logger.info({ api: name, url: sg.url }, `${name} subgraph`);
    logger.info(
      {
        url: stack.gatewayUrl,
        graphiql: graphiqlOf(stack.gatewayUrl),
        dataDir,
        workers,
        subgraphTransport: transport,
      },
      readyLine(stack.gatewayUrl),
    );
    exitOnSignals((graceMs) => stack.close(graceMs));
    return;
  }
  const fixed = parts.map(subgraphPortVar).find((v) => process.env[v]);
  if (fixed)
    throw new ConfigError(
      fixed,
      `fixes a subgraph port, which one process can hold: with WORKERS=${workers} each worker's subgraphs listen on free loopback ports of their own (WORKERS=1 to fix them)`,
    );
  // one set of emulators for every worker: one upstream state, as with real upstreams
  const emulators = await startEmulators({
    parts,
    env: process.env,
    portOf: (part) => ports.portOf('emulator', part),
  });
  for (const [name, emu] of Object.entries(emulators.emulators))
    logger.info({ api: name, url: emu.url }, `${name} emulator`);
  const { url } = await superviseWorkers({
    workers,
    graceMs: shutdownTimeoutMs(),
    env: {
      // every worker's gateway and subgraphs share one secret (the tests and a scraper use it)
      SUBGRAPH_SECRET: process.env.SUBGRAPH_SECRET || randomBytes(24).toString('base64url'),
      [EMULATOR_ENV]: JSON.stringify(emulators.env),
    },
    afterStop: () => emulators.close(),
  });
  logger.info(
    { url, graphiql: graphiqlOf(url), dataDir, workers, subgraphTransport: transport },
    readyLine(url),
  );
});

/** One worker: gateway and subgraphs, pointed at the primary's emulators. */
async function startWorker() {
  const emulatorEnv = JSON.parse(process.env[EMULATOR_ENV] ?? '{}') as Record<string, string>;
  delete process.env[EMULATOR_ENV];
  const ports = stackPortsFromEnv();
  const { startStack } = await import('../stack/index.ts');
  const stack = await startStack({
    // the gateway's port is shared by every worker; subgraphs are each worker's own
    ports: (kind, part) => (kind === 'subgraph' ? 0 : ports.portOf(kind, part)),
    gatewayPort: ports.gateway,
    emulatorEnv,
  });
  for (const [name, sg] of Object.entries(stack.subgraphs))
    logger.debug({ api: name, url: sg.url }, `${name} subgraph`);
  exitOnSignals((graceMs) => stack.close(graceMs));
  reportReady(stack.gatewayUrl);
}
