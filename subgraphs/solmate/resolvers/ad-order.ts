import type { AdOrderResolvers } from '../__generated__/resolvers-types.ts';
import { checkId, refuse } from '../../shared/validate.ts';
import type { SolmateContext } from '../context.ts';
import type { AdOrderParent } from './parents.ts';

const record = (p: AdOrderParent, ctx: SolmateContext) => p.record ?? ctx.loaders.orders.load(p.id);
const status = (p: AdOrderParent, ctx: SolmateContext) => ctx.loaders.statuses.load(p.id);

export const AdOrder: AdOrderResolvers = {
  __resolveReference: async (ref, ctx) => {
    refuse(checkId(ref.id, ['id']));
    return { id: ref.id, record: await ctx.loaders.orders.load(ref.id) };
  },
  id: (p) => p.id,
  title: async (p, _a, ctx) => (await record(p, ctx)).title,
  network: async (p, _a, ctx) => (await record(p, ctx)).network,
  networkText: async (p, _a, ctx) => (await record(p, ctx)).networkText,
  model: async (p, _a, ctx) => (await record(p, ctx)).model,
  modelText: async (p, _a, ctx) => (await record(p, ctx)).modelText,
  totalBudget: async (p, _a, ctx) => (await record(p, ctx)).totalBudget,
  dailyBudget: async (p, _a, ctx) => (await record(p, ctx)).dailyBudget,
  materialUrl: async (p, _a, ctx) => (await record(p, ctx)).materialUrl,
  clickUrl: async (p, _a, ctx) => (await record(p, ctx)).clickUrl,
  displayTime: async (p, _a, ctx) => (await record(p, ctx)).displayTime,
  gender: async (p, _a, ctx) => (await record(p, ctx)).gender,
  genderText: async (p, _a, ctx) => (await record(p, ctx)).genderText,
  districts: async (p, _a, ctx) => (await record(p, ctx)).districts,
  districtNames: async (p, _a, ctx) => (await record(p, ctx)).districtNames,
  status: async (p, _a, ctx) => (await status(p, ctx)).status,
  statusText: async (p, _a, ctx) => (await status(p, ctx)).statusText,
  statusDetail: async (p, _a, ctx) => (await status(p, ctx)).statusDetail,
};
