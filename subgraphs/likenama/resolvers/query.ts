import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const Query: QueryResolvers = {
  campaigns: (_p, _a, ctx) => ctx.loaders.campaigns(),
  campaignClasses: (_p, _a, ctx) => ctx.loaders.campaignClasses(),
  nextCampaign: (_p, _a, ctx) => ctx.loaders.nextCampaign(),
  products: (_p, _a, ctx) => ctx.loaders.products(),
  bundles: (_p, _a, ctx) => ctx.loaders.bundles(),
  likenamaViewer: (_p, _a, ctx) => ctx.loaders.viewer(),
};
