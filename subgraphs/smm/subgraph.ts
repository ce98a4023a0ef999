import { StoreCache } from '../shared/cache.ts';
import { defineSubgraph, loadSchema, type SubgraphOverrides } from '../shared/definition.ts';
import type { SmmServiceRecord } from './client.ts';
import type { SmmConfig } from './config.ts';
import { createSmmContext, type SmmShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

const typeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

export const createSmmSubgraph = (config: SmmConfig, overrides: SubgraphOverrides<SmmShared> = {}) =>
  defineSubgraph({
    name: 'smm',
    typeDefs,
    resolvers,
    config,
    overrides,
    state: ({ cache }) => ({
      servicesCache: cache('smm_services', (s) => new StoreCache<SmmServiceRecord[]>(s, 'smm:services')),
    }),
    context: createSmmContext,
  });
