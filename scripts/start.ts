// `npm start`: the whole graph on one machine. Every upstream whose URL is not configured is
// served by its emulator; Apollo Sandbox is the gateway's landing page.
// STACK_PORTS=random puts everything on free ports (tests start it beside other stacks).
// SIGTERM/SIGINT: stop accepting, let requests in flight finish (SHUTDOWN_TIMEOUT_MS), exit 0.
import { mkdirSync } from 'node:fs';
import { logger } from '../lib/logger.ts';
import { exitOnSignals } from '../lib/shutdown.ts';
import { startStack } from '../stack/index.ts';

// idempotency records live in a file here, so a key used before a restart still replays after it
process.env.DATA_DIR ??= 'data';
mkdirSync(process.env.DATA_DIR, { recursive: true });

const stack = await startStack({ ports: process.env.STACK_PORTS === 'random' ? 0 : 'default' });
for (const [name, emu] of Object.entries(stack.emulators))
  logger.info({ api: name, url: emu.url }, `${name} emulator`);
for (const [name, sg] of Object.entries(stack.subgraphs))
  logger.info({ api: name, url: sg.url }, `${name} subgraph`);
const graphiqlUrl = new URL('/graphiql', stack.gatewayUrl).toString();
logger.info(
  { url: stack.gatewayUrl, graphiql: graphiqlUrl },
  `gateway ready: ${stack.gatewayUrl} (Apollo Sandbox in a browser; offline, GraphiQL at ${graphiqlUrl})`,
);

exitOnSignals((graceMs) => stack.close(graceMs));
