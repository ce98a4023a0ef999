import type { CampaignResolvers } from '../__generated__/resolvers-types.ts';
import { digitId } from '../../shared/validate.ts';

export const Campaign: CampaignResolvers = {
  // async: a bad id fails its own entity, not the whole _entities list
  __resolveReference: async (ref, ctx) => ctx.loaders.campaign.load(digitId(ref.id, 'id')),
};
