import { loadSchema, type SubgraphDefinition } from '../shared/server.ts';
import type { LikenamaConfig } from './config.ts';
import { createLikenamaContext, type LikenamaContext, type LikenamaShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export const likenamaTypeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

export function createLikenamaSubgraph(
  config: LikenamaConfig,
  overrides: Pick<LikenamaShared, 'makeApi'> = {},
): SubgraphDefinition<LikenamaContext> & { shared: LikenamaShared } {
  const shared: LikenamaShared = { config, ...overrides };
  return {
    name: 'likenama',
    typeDefs: likenamaTypeDefs,
    resolvers: resolvers as SubgraphDefinition<LikenamaContext>['resolvers'],
    context: (req) => createLikenamaContext(shared, req),
    shared,
  };
}
