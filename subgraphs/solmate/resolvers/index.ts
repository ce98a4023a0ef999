import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { AdOrder } from './ad-order.ts';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';

export const resolvers: Resolvers = { Query, Mutation, AdOrder };
