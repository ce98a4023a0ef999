import { registerCache } from '../../lib/metrics.ts';
import { StoreCache } from '../shared/cache.ts';
import { loadSchema, type SubgraphDefinition } from '../shared/definition.ts';
import { idempotencyFromEnv } from '../shared/idempotency.ts';
import type { KvStore } from '../shared/store.ts';
import type { MatchIdStatusRecord } from './client.ts';
import type { SolsubConfig } from './config.ts';
import { createSolsubContext, type SolsubContext, type SolsubShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export const solsubTypeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

/** The check cache over a store: replicas sharing Redis also share the hits they spared. */
export const statusCacheOn = (store: KvStore) => new StoreCache<MatchIdStatusRecord>(store, 'solsub:status');

export function createSolsubSubgraph(
  config: SolsubConfig,
  overrides: Pick<SolsubShared, 'makeApi'> & { store?: KvStore; env?: NodeJS.ProcessEnv } = {},
): SubgraphDefinition<SolsubContext> & { shared: SolsubShared } {
  const idempotency = idempotencyFromEnv(overrides.env ?? process.env, overrides.store);
  const shared: SolsubShared = {
    config,
    statusCache: statusCacheOn(idempotency.cacheStore),
    generations: new Map(),
    makeApi: overrides.makeApi,
    idempotency,
  };
  registerCache('solsub_checks', shared.statusCache);
  return {
    close: idempotency.close,
    stores: idempotency.stores,
    name: 'solsub',
    typeDefs: solsubTypeDefs,
    resolvers: resolvers as SubgraphDefinition<SolsubContext>['resolvers'],
    context: (req) => createSolsubContext(shared, req),
    shared,
  };
}
