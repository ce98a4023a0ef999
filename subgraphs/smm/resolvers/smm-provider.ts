import type { SmmProviderResolvers } from '../__generated__/resolvers-types.ts';

export const SmmProvider: SmmProviderResolvers = {
  __resolveReference: (ref, ctx) => {
    const { id, name } = ctx.provider(ref.id);
    return { id, name };
  },
  id: (p) => p.id,
  name: (p) => p.name ?? null,
  balance: (p, _a, ctx) => ctx.balance(p.id),
  services: (p, _a, ctx) => ctx.services(p.id),
};
