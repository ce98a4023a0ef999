import { idempotencyFromEnv } from '../shared/idempotency.ts';
import { loadSchema, type SubgraphDefinition } from '../shared/definition.ts';
import type { KvStore } from '../shared/store.ts';
import type { SolmateConfig } from './config.ts';
import { createSolmateContext, type SolmateContext, type SolmateShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export const solmateTypeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

export function createSolmateSubgraph(
  config: SolmateConfig,
  overrides: Pick<SolmateShared, 'makeApi'> & { env?: NodeJS.ProcessEnv; store?: KvStore } = {},
): SubgraphDefinition<SolmateContext> & { shared: SolmateShared } {
  const idempotency = idempotencyFromEnv(overrides.env ?? process.env, overrides.store);
  const shared: SolmateShared = { config, idempotency, makeApi: overrides.makeApi };
  return {
    close: idempotency.close,
    stores: idempotency.stores,
    name: 'solmate',
    typeDefs: solmateTypeDefs,
    resolvers: resolvers as SubgraphDefinition<SolmateContext>['resolvers'],
    context: (req) => createSolmateContext(shared, req),
    shared,
  };
}
