import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { userError, type UserError } from '../../shared/errors.ts';
import { digitId, digitIds, unique } from '../../shared/validate.ts';
import { idempotent } from '../../shared/idempotency.ts';
import { isRefusal, MAX_IDS_PER_CALL, type PanelRefusal, type SmmApi } from '../client.ts';
import { checkAddOrder, refusalCode } from '../input.ts';
import type { SmmContext } from '../context.ts';

/** Ids of a refill or cancel, refused before any call when one is not digits or there are too many. */
function orderIdsOf(ctx: SmmContext, provider: string, orderIds: readonly string[]): string[] {
  ctx.provider(provider);
  digitIds(orderIds, 'orderIds', ctx.maxIdsPerMutation);
  return unique(orderIds);
}

/**
 * Sends a state-changing call in chunks the protocol accepts. Chunks run one after another
 * and are never retried; a failure of one chunk fails the field, naming what may have happened.
 */
async function inChunks<T>(
  ids: string[],
  send: (api: SmmApi, chunk: string[]) => Promise<Map<string, T | PanelRefusal>>,
  api: SmmApi,
): Promise<Map<string, T | PanelRefusal>> {
  const all = new Map<string, T | PanelRefusal>();
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_CALL) {
    const got = await send(api, ids.slice(i, i + MAX_IDS_PER_CALL));
    for (const [k, v] of got) all.set(k, v);
  }
  return all;
}

const perOrderError = (i: number, r: PanelRefusal): UserError =>
  userError(refusalCode(r.refused), r.refused, ['orderIds', String(i)]);

export const Mutation: MutationResolvers = {
  smmAddOrder: async (_p, { provider, input, idempotencyKey }, ctx) => {
    ctx.provider(provider);
    const serviceId = digitId(input.service, 'input.service');
    return idempotent(
      ctx.idempotency,
      `smm:${ctx.tenant(provider)}`,
      idempotencyKey,
      { provider, input },
      async () => {
        const service = (await ctx.services(provider)).find((s) => s.id === serviceId);
        if (!service) {
          return {
            order: null,
            userErrors: [
              userError('INCORRECT_SERVICE', `Provider ${provider} has no service ${serviceId}`, [
                'input',
                'service',
              ]),
            ],
          };
        }
        const check = checkAddOrder(input, service);
        if (!check.ok) return { order: null, userErrors: check.userErrors };
        const res = await ctx.api(provider).addOrder(check.params);
        if (isRefusal(res))
          return { order: null, userErrors: [userError(refusalCode(res.refused), res.refused)] };
        return { order: { provider, id: res.order }, userErrors: [] };
      },
    );
  },

  smmRefill: async (_p, { provider, orderIds }, ctx) => {
    const ids = orderIdsOf(ctx, provider, orderIds);
    const got = await inChunks(ids, (api, chunk) => api.refill(chunk), ctx.api(provider));
    const userErrors: UserError[] = [];
    const results = orderIds.map((orderId, i) => {
      const r = got.get(orderId) ?? { refused: 'The panel did not answer for this order' };
      if (isRefusal(r)) {
        userErrors.push(perOrderError(i, r));
        return { orderId, refill: null, error: r.refused };
      }
      return { orderId, refill: { provider, id: r.refill }, error: null };
    });
    return { results, userErrors };
  },

  smmCancel: async (_p, { provider, orderIds }, ctx) => {
    const ids = orderIdsOf(ctx, provider, orderIds);
    const got = await inChunks(ids, (api, chunk) => api.cancel(chunk), ctx.api(provider));
    const userErrors: UserError[] = [];
    const results = orderIds.map((orderId, i) => {
      const r = got.get(orderId) ?? { refused: 'The panel did not answer for this order' };
      if (isRefusal(r)) {
        userErrors.push(perOrderError(i, r));
        return { orderId, requested: false, error: r.refused };
      }
      return { orderId, requested: r.requested, error: null };
    });
    return { results, userErrors };
  },
};
