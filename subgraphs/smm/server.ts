import { TtlCache } from '../shared/cache.ts';
import { loadSchema, type SubgraphDefinition } from '../shared/server.ts';
import type { SmmServiceRecord } from './client.ts';
import type { SmmConfig } from './config.ts';
import { createSmmContext, type SmmContext, type SmmShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export const smmTypeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

export function createSmmSubgraph(
  config: SmmConfig,
  overrides: Pick<SmmShared, 'makeApi'> = {},
): SubgraphDefinition<SmmContext> & { shared: SmmShared } {
  const shared: SmmShared = { config, servicesCache: new TtlCache<SmmServiceRecord[]>(), ...overrides };
  return {
    name: 'smm',
    typeDefs: smmTypeDefs,
    resolvers: resolvers as SubgraphDefinition<SmmContext>['resolvers'],
    context: (req) => createSmmContext(shared, req),
    shared,
  };
}
