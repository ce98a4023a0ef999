// Runs the SolSub subgraph alone (behind any Federation 2 router): SOLSUB_URL, SOLSUB_API_KEY,
// SOLSUB_CACHE_TTL_MS, SUBGRAPH_SECRET, SOLSUB_PORT.
import { envInt } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { listenSubgraph } from '../shared/server.ts';
import { solsubConfigFromEnv } from './config.ts';
import { createSolsubSubgraph } from './server.ts';

const running = await listenSubgraph(createSolsubSubgraph(solsubConfigFromEnv(), { env: process.env }), {
  port: envInt('SOLSUB_PORT', 4002),
  host: process.env.SUBGRAPH_HOST ?? '127.0.0.1',
  secret: process.env.SUBGRAPH_SECRET ?? '',
});
logger.info({ url: running.url }, 'solsub subgraph listening');
