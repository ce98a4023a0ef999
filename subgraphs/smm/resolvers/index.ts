import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';
import { SmmOrder } from './smm-order.ts';
import { SmmProvider } from './smm-provider.ts';
import { SmmRefill } from './smm-refill.ts';

export const resolvers: Resolvers = { Query, Mutation, SmmOrder, SmmRefill, SmmProvider };
