import { StoreCache } from '../shared/cache.ts';
import { idempotencySettings } from '../shared/idempotency.ts';
import { createStore, type KvStore } from '../shared/store.ts';
import { loadSchema, type SubgraphDefinition } from '../shared/server.ts';
import type { SmmServiceRecord } from './client.ts';
import type { SmmConfig } from './config.ts';
import { createSmmContext, type SmmContext, type SmmShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export const smmTypeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

export function createSmmSubgraph(
  config: SmmConfig,
  overrides: Pick<SmmShared, 'makeApi'> & { store?: KvStore; env?: NodeJS.ProcessEnv } = {},
): SubgraphDefinition<SmmContext> & { shared: SmmShared } {
  const env = overrides.env ?? process.env;
  const store = overrides.store ?? createStore(env);
  const shared: SmmShared = {
    config,
    servicesCache: new StoreCache<SmmServiceRecord[]>(store, 'smm:services'),
    idempotency: { store, ...idempotencySettings(env) },
    makeApi: overrides.makeApi,
  };
  return {
    close: () => store.close(),
    name: 'smm',
    typeDefs: smmTypeDefs,
    resolvers: resolvers as SubgraphDefinition<SmmContext>['resolvers'],
    context: (req) => createSmmContext(shared, req),
    shared,
  };
}
