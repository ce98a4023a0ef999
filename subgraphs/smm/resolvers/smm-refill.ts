import type { SmmRefillResolvers } from '../__generated__/resolvers-types.ts';
import type { SmmContext } from '../context.ts';
import { digitId } from '../../shared/validate.ts';
import type { SmmRefillParent } from './parents.ts';

const record = (p: SmmRefillParent, ctx: SmmContext) =>
  p.record ?? ctx.loaders.refills(p.provider).load(p.id);

export const SmmRefill: SmmRefillResolvers = {
  __resolveReference: async (ref, ctx) => {
    ctx.provider(ref.provider);
    digitId(ref.id, 'id');
    return {
      provider: ref.provider,
      id: ref.id,
      record: await ctx.loaders.refills(ref.provider).load(ref.id),
    };
  },
  provider: (p) => p.provider,
  id: (p) => p.id,
  status: async (p, _a, ctx) => (await record(p, ctx)).status,
  statusText: async (p, _a, ctx) => (await record(p, ctx)).statusText,
};
