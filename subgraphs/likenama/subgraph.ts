import { idempotencyFromEnv } from '../shared/idempotency.ts';
import { loadSchema, type SubgraphDefinition } from '../shared/definition.ts';
import type { KvStore } from '../shared/store.ts';
import type { LikenamaConfig } from './config.ts';
import { createLikenamaContext, type LikenamaContext, type LikenamaShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export const likenamaTypeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

export function createLikenamaSubgraph(
  config: LikenamaConfig,
  overrides: Pick<LikenamaShared, 'makeApi'> & { env?: NodeJS.ProcessEnv; store?: KvStore } = {},
): SubgraphDefinition<LikenamaContext> & { shared: LikenamaShared } {
  const idempotency = idempotencyFromEnv(overrides.env ?? process.env, overrides.store);
  const shared: LikenamaShared = { config, idempotency, makeApi: overrides.makeApi };
  return {
    close: idempotency.close,
    stores: idempotency.stores,
    name: 'likenama',
    typeDefs: likenamaTypeDefs,
    resolvers: resolvers as SubgraphDefinition<LikenamaContext>['resolvers'],
    context: (req) => createLikenamaContext(shared, req),
    shared,
  };
}
