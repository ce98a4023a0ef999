import { envInt } from '../../lib/env.ts';
import { logger } from '../../lib/logger.ts';
import type { SubgraphDefinition } from './definition.ts';
import { listenSubgraph } from './serve.ts';
import { exitOnSignals } from '../../lib/shutdown.ts';

/**
 * Runs one subgraph as its own process, behind any Federation 2 router: SUBGRAPH_SECRET (required),
 * SUBGRAPH_HOST (loopback by default), `<NAME>_PORT`. Drains requests in flight on SIGTERM.
 */
export async function runAlone<Ctx extends object>(
  def: SubgraphDefinition<Ctx>,
  defaultPort: number,
): Promise<void> {
  const running = await listenSubgraph(def, {
    port: envInt(`${def.name.toUpperCase()}_PORT`, defaultPort),
    host: process.env.SUBGRAPH_HOST ?? '127.0.0.1',
    secret: process.env.SUBGRAPH_SECRET ?? '',
  });
  exitOnSignals((graceMs) => running.close(graceMs));
  logger.info({ url: running.url }, `${def.name} subgraph listening`);
}
