// `npm start`: the whole graph on one machine. Every upstream whose URL is not configured is
// served by its emulator; Apollo Sandbox is the gateway's landing page.
import { logger } from '../subgraphs/shared/logger.ts';
import { startStack } from '../stack/index.ts';

const stack = await startStack({ ports: 'default' });
for (const [name, emu] of Object.entries(stack.emulators)) logger.info({ url: emu.url }, `${name} emulator`);
for (const [name, sg] of Object.entries(stack.subgraphs)) logger.info({ url: sg.url }, `${name} subgraph`);
logger.info(`gateway ready: ${stack.gatewayUrl} (open it in a browser for Apollo Sandbox)`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
