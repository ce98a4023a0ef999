import type { CampaignResolvers } from '../__generated__/resolvers-types.ts';
import { checkId, refuse } from '../../shared/validate.ts';

export const Campaign: CampaignResolvers = {
  // async: a bad id fails its own entity, not the whole _entities list
  __resolveReference: async (ref, ctx) => {
    refuse(checkId(ref.id, ['id']));
    return ctx.loaders.campaign.load(ref.id);
  },
};
