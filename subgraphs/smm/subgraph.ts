import { registerCache } from '../../lib/metrics.ts';
import { StoreCache } from '../shared/cache.ts';
import { idempotencyFromEnv } from '../shared/idempotency.ts';
import type { KvStore } from '../shared/store.ts';
import { loadSchema, type SubgraphDefinition } from '../shared/definition.ts';
import type { SmmServiceRecord } from './client.ts';
import type { SmmConfig } from './config.ts';
import { createSmmContext, type SmmContext, type SmmShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export const smmTypeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

export function createSmmSubgraph(
  config: SmmConfig,
  overrides: Pick<SmmShared, 'makeApi'> & { store?: KvStore; env?: NodeJS.ProcessEnv } = {},
): SubgraphDefinition<SmmContext> & { shared: SmmShared } {
  const idempotency = idempotencyFromEnv(overrides.env ?? process.env, overrides.store);
  const shared: SmmShared = {
    config,
    servicesCache: new StoreCache<SmmServiceRecord[]>(idempotency.cacheStore, 'smm:services'),
    idempotency,
    makeApi: overrides.makeApi,
  };
  registerCache('smm_services', shared.servicesCache);
  return {
    close: idempotency.close,
    stores: idempotency.stores,
    name: 'smm',
    typeDefs: smmTypeDefs,
    resolvers: resolvers as SubgraphDefinition<SmmContext>['resolvers'],
    context: (req) => createSmmContext(shared, req),
    shared,
  };
}
