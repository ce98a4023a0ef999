// `npm start`: the whole graph on one machine. Every upstream whose URL is not configured is
// served by its emulator; Apollo Sandbox is the gateway's landing page.
// Ports: PORT (gateway, 4000), <API>_PORT (subgraphs, 4001..4004), <API>_EMULATOR_PORT
// (4101..4104); PORT=0 (or STACK_PORTS=random) puts every part on a free port.
// SIGTERM/SIGINT: stop accepting, let requests in flight finish (SHUTDOWN_TIMEOUT_MS), exit 0.
import { runMain } from '../lib/config.ts';
import { useDataDir } from '../lib/data-dir.ts';
import { logger } from '../lib/logger.ts';
import { exitOnSignals } from '../lib/shutdown.ts';
import { startStack } from '../stack/index.ts';
import { stackPortsFromEnv } from '../stack/ports.ts';

await runMain('npm start', async () => {
  // idempotency records live in a file here, so a key used before a restart still replays after it
  const dataDir = useDataDir();
  const ports = stackPortsFromEnv();
  const stack = await startStack({ ports: ports.portOf, gatewayPort: ports.gateway });
  for (const [name, emu] of Object.entries(stack.emulators))
    logger.info({ api: name, url: emu.url }, `${name} emulator`);
  for (const [name, sg] of Object.entries(stack.subgraphs))
    logger.info({ api: name, url: sg.url }, `${name} subgraph`);
  const graphiqlUrl = new URL('/graphiql', stack.gatewayUrl).toString();
  logger.info(
    { url: stack.gatewayUrl, graphiql: graphiqlUrl, dataDir },
    `gateway ready: ${stack.gatewayUrl} (Apollo Sandbox in a browser; offline, GraphiQL at ${graphiqlUrl})`,
  );
  exitOnSignals((graceMs) => stack.close(graceMs));
});
