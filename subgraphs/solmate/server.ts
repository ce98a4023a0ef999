import { loadSchema, type SubgraphDefinition } from '../shared/server.ts';
import type { SolmateConfig } from './config.ts';
import { createSolmateContext, type SolmateContext, type SolmateShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export const solmateTypeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

export function createSolmateSubgraph(
  config: SolmateConfig,
  overrides: Pick<SolmateShared, 'makeApi'> = {},
): SubgraphDefinition<SolmateContext> & { shared: SolmateShared } {
  const shared: SolmateShared = { config, ...overrides };
  return {
    name: 'solmate',
    typeDefs: solmateTypeDefs,
    resolvers: resolvers as SubgraphDefinition<SolmateContext>['resolvers'],
    context: (req) => createSolmateContext(shared, req),
    shared,
  };
}
