import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Campaign } from './campaign.ts';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';

export const resolvers: Resolvers = { Query, Mutation, Campaign };
