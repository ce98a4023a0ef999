// Runs the SMM subgraph alone (behind any Federation 2 router): SMM_PROVIDERS, SUBGRAPH_SECRET, SMM_PORT.
import { envInt } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { listenSubgraph } from '../shared/server.ts';
import { smmConfigFromEnv } from './config.ts';
import { createSmmSubgraph } from './server.ts';

const running = await listenSubgraph(createSmmSubgraph(smmConfigFromEnv(), { env: process.env }), {
  port: envInt('SMM_PORT', 4003),
  host: process.env.SUBGRAPH_HOST ?? '127.0.0.1',
  secret: process.env.SUBGRAPH_SECRET ?? '',
});
logger.info({ url: running.url }, 'smm subgraph listening');
