import type { SmmOrderResolvers } from '../__generated__/resolvers-types.ts';
import type { SmmContext } from '../context.ts';
import { digitId } from '../../shared/validate.ts';
import type { SmmOrderParent } from './parents.ts';

const record = (p: SmmOrderParent, ctx: SmmContext) => p.record ?? ctx.loaders.orders(p.provider).load(p.id);

export const SmmOrder: SmmOrderResolvers = {
  __resolveReference: async (ref, ctx) => {
    ctx.provider(ref.provider);
    digitId(ref.id, 'id');
    return {
      provider: ref.provider,
      id: ref.id,
      record: await ctx.loaders.orders(ref.provider).load(ref.id),
    };
  },
  provider: (p) => p.provider,
  id: (p) => p.id,
  status: async (p, _a, ctx) => (await record(p, ctx)).status,
  statusText: async (p, _a, ctx) => (await record(p, ctx)).statusText,
  charge: async (p, _a, ctx) => (await record(p, ctx)).charge,
  startCount: async (p, _a, ctx) => (await record(p, ctx)).startCount,
  remains: async (p, _a, ctx) => (await record(p, ctx)).remains,
  currency: async (p, _a, ctx) => (await record(p, ctx)).currency,
};
