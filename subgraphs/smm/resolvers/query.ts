import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { checkId, checkIds, refuse, unique } from '../../shared/validate.ts';
import type DataLoader from 'dataloader';
import type { SmmContext } from '../context.ts';

// One promise per id: GraphQL turns a rejected item into null plus an error at that index,
// and all the loads are issued in one tick so they share the batched calls.
function each<R>(
  ctx: SmmContext,
  provider: string,
  ids: readonly string[],
  loader: (p: string) => DataLoader<string, R>,
) {
  ctx.provider(provider);
  refuse(checkIds(ids, ['ids']));
  ctx.takeIds(unique(ids).length);
  const l = loader(provider);
  return ids.map((id) => l.load(id).then((record) => ({ provider, id, record })));
}

export const Query: QueryResolvers = {
  smmProviders: (_p, _a, ctx) => ctx.providers().map(({ id, name }) => ({ id, name })),
  smmServices: (_p, { provider }, ctx) => ctx.services(provider),
  smmBalance: (_p, { provider }, ctx) => ctx.balance(provider),
  smmOrder: async (_p, { provider, id }, ctx) => {
    ctx.provider(provider);
    refuse(checkId(id, ['id']));
    ctx.takeIds(1);
    return { provider, id, record: await ctx.loaders.orders(provider).load(id) };
  },
  smmOrders: (_p, { provider, ids }, ctx) => each(ctx, provider, ids, ctx.loaders.orders),
  smmRefills: (_p, { provider, ids }, ctx) => each(ctx, provider, ids, ctx.loaders.refills),
};
