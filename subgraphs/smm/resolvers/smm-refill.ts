import type { SmmRefillResolvers } from '../__generated__/resolvers-types.ts';
import { checkId, refuse } from '../../shared/validate.ts';
import { recordFields } from './record-fields.ts';

export const SmmRefill: SmmRefillResolvers = {
  __resolveReference: async (ref, ctx) => {
    ctx.provider(ref.provider);
    refuse(checkId(ref.id, ['id']));
    return {
      provider: ref.provider,
      id: ref.id,
      record: await ctx.loaders.refills(ref.provider).load(ref.id),
    };
  },
  provider: (p) => p.provider,
  id: (p) => p.id,
  ...recordFields((p, ctx) => ctx.loaders.refills(p.provider).load(p.id), ['status', 'statusText'] as const),
};
