import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import type { UserError } from '../../shared/errors.ts';
import { idempotent } from '../../shared/idempotency.ts';
import { isRefusal, type StatusAction } from '../client.ts';
import type { SolmateContext } from '../context.ts';
import { checkCreate, checkUpdate, refusalUserError } from '../input.ts';
import { checkId } from '../../shared/validate.ts';

async function changeStatus(ctx: SolmateContext, id: string, action: StatusAction) {
  const bad = checkId(id, ['id']);
  if (bad.length > 0) return { order: null, userErrors: bad };
  const res = await ctx.api().setStatus(id, action);
  ctx.loaders.forget(id);
  if (isRefusal(res)) return { order: null, userErrors: [refusalUserError(res, true)] };
  return { order: { id }, userErrors: [] };
}

export const Mutation: MutationResolvers = {
  createOrder: async (_p, { input, idempotencyKey }, ctx) => {
    const check = checkCreate(input);
    if (!check.ok) return { order: null, userErrors: check.userErrors };
    return idempotent(ctx.idempotency, ctx.tenant(), idempotencyKey, input, async () => {
      const res = await ctx.api().createOrder(check.body);
      if (isRefusal(res)) return { order: null, userErrors: [refusalUserError(res, false)] };
      return { order: { id: res.id }, userErrors: [] };
    });
  },

  updateOrder: async (_p, { id, input }, ctx) => {
    const userErrors: UserError[] = checkId(id, ['id']);
    const check = checkUpdate(input, ctx.config.updateDistrictsKey);
    if (!check.ok) userErrors.push(...check.userErrors);
    if (userErrors.length > 0 || !check.ok) return { order: null, userErrors };
    const res = await ctx.api().updateOrder(id, check.body);
    ctx.loaders.forget(id);
    if (isRefusal(res)) return { order: null, userErrors: [refusalUserError(res, true)] };
    return { order: { id }, userErrors: [] };
  },

  pauseOrder: (_p, { id }, ctx) => changeStatus(ctx, id, 'pause'),
  resumeOrder: (_p, { id }, ctx) => changeStatus(ctx, id, 'resume'),

  deleteOrder: async (_p, { id }, ctx) => {
    const bad = checkId(id, ['id']);
    if (bad.length > 0) return { deletedId: null, userErrors: bad };
    const res = await ctx.api().deleteOrder(id);
    ctx.loaders.forget(id);
    if (isRefusal(res)) return { deletedId: null, userErrors: [refusalUserError(res, true)] };
    return { deletedId: id, userErrors: [] };
  },
};
