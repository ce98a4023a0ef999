import { StoreCache } from '../shared/cache.ts';
import { defineSubgraph, loadSchema, type SubgraphOverrides } from '../shared/definition.ts';
import type { KvStore } from '../shared/store.ts';
import type { MatchIdStatusRecord } from './client.ts';
import type { SolsubConfig } from './config.ts';
import { createSolsubContext, type SolsubShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

const typeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

/** The check cache over a store: replicas sharing Redis also share the hits they spared. */
export const statusCacheOn = (store: KvStore) => new StoreCache<MatchIdStatusRecord>(store, 'solsub:status');

export const createSolsubSubgraph = (config: SolsubConfig, overrides: SubgraphOverrides<SolsubShared> = {}) =>
  defineSubgraph({
    name: 'solsub',
    typeDefs,
    resolvers,
    config,
    overrides,
    state: ({ cache }) => ({ statusCache: cache('solsub_checks', statusCacheOn), generations: new Map() }),
    context: createSolsubContext,
  });
