// Runs the Solmate subgraph alone (behind any Federation 2 router): SOLMATE_URL, SOLMATE_USER,
// SOLMATE_PASSWORD, SUBGRAPH_SECRET, SOLMATE_PORT.
import { envInt } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { listenSubgraph } from '../shared/server.ts';
import { solmateConfigFromEnv } from './config.ts';
import { createSolmateSubgraph } from './server.ts';

const running = await listenSubgraph(createSolmateSubgraph(solmateConfigFromEnv(), { env: process.env }), {
  port: envInt('SOLMATE_PORT', 4001),
  host: process.env.SUBGRAPH_HOST ?? '127.0.0.1',
  secret: process.env.SUBGRAPH_SECRET ?? '',
});
logger.info({ url: running.url }, 'solmate subgraph listening');
