import { defineSubgraph, loadSchema, type SubgraphOverrides } from '../shared/definition.ts';
import type { LikenamaConfig } from './config.ts';
import { createLikenamaContext, type LikenamaShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

const typeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

export const createLikenamaSubgraph = (
  config: LikenamaConfig,
  overrides: SubgraphOverrides<LikenamaShared> = {},
) =>
  defineSubgraph({
    name: 'likenama',
    typeDefs,
    resolvers,
    config,
    overrides,
    context: createLikenamaContext,
  });
