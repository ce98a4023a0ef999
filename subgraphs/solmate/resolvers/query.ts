import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { checkId, checkIds, refuse, unique } from '../../shared/validate.ts';
import { districtInfos } from '../districts.ts';

export const Query: QueryResolvers = {
  order: async (_p, { id }, ctx) => {
    refuse(checkId(id, ['id']));
    ctx.takeIds(1);
    return { id, record: await ctx.loaders.orders.load(id) };
  },
  // One promise per id: GraphQL turns a rejected item into null plus an error at that index.
  orders: (_p, { ids }, ctx) => {
    refuse(checkIds(ids, ['ids']));
    ctx.takeIds(unique(ids).length);
    return ids.map((id) => ctx.loaders.orders.load(id).then((record) => ({ id, record })));
  },
  adDistricts: () => districtInfos(),
};
