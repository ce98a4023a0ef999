import { defineSubgraph, loadSchema, type SubgraphOverrides } from '../shared/definition.ts';
import type { SolmateConfig } from './config.ts';
import { createSolmateContext, type SolmateShared } from './context.ts';
import { resolvers } from './resolvers/index.ts';

const typeDefs = loadSchema(new URL('./schema.graphql', import.meta.url));

export const createSolmateSubgraph = (
  config: SolmateConfig,
  overrides: SubgraphOverrides<SolmateShared> = {},
) =>
  defineSubgraph({ name: 'solmate', typeDefs, resolvers, config, overrides, context: createSolmateContext });
