// Runs the Likenama subgraph alone (behind any Federation 2 router): LIKENAMA_URL, SUBGRAPH_SECRET, LIKENAMA_PORT.
import { envInt } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { listenSubgraph } from '../shared/server.ts';
import { likenamaConfigFromEnv } from './config.ts';
import { createLikenamaSubgraph } from './server.ts';

const running = await listenSubgraph(createLikenamaSubgraph(likenamaConfigFromEnv(), { env: process.env }), {
  port: envInt('LIKENAMA_PORT', 4004),
  host: process.env.SUBGRAPH_HOST ?? '127.0.0.1',
  secret: process.env.SUBGRAPH_SECRET ?? '',
});
logger.info({ url: running.url }, 'likenama subgraph listening');
