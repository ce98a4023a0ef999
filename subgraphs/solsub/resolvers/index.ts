import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { MatchIdStatus } from './match-id-status.ts';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';

export const resolvers: Resolvers = { Query, Mutation, MatchIdStatus };
