import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { ErrorCode, LayerError, userError, wasNotSent, type UserError } from '../../shared/errors.ts';
import { checkId, checkIds, refuse, textUserErrors, unique } from '../../shared/validate.ts';
import { idempotent } from '../../shared/idempotency.ts';
import { isRefusal, MAX_IDS_PER_CALL, type PanelRefusal } from '../client.ts';
import { checkAddOrder, refusalCode, TEXT_FIELDS } from '../input.ts';
import type { SmmContext } from '../context.ts';

/** Ids of a refill or cancel, refused before any call when one is not digits or there are too many. */
function orderIdsOf(ctx: SmmContext, provider: string, orderIds: readonly string[]): string[] {
  ctx.provider(provider);
  refuse(checkIds(orderIds, ['orderIds'], ctx.maxIdsPerMutation));
  return unique(orderIds);
}

interface NotDone {
  outcome: 'REFUSED' | 'OUTCOME_UNKNOWN' | 'NOT_SENT';
  code: string;
  error: string;
}
/** One order's outcome in a refill or cancel (SmmActionOutcome in the schema). */
export type PerOrder<T> = { outcome: 'DONE'; value: T } | NotDone;

// Errors that are upstream's (or our own) verdict on the call: nothing happened.
const REFUSING = new Set<string>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.NOT_FOUND,
  ErrorCode.RATE_LIMITED,
]);

/** What a chunk that threw means for each of its orders. Anything not known to be harmless may have happened. */
function failedChunk(err: unknown): NotDone {
  const message = err instanceof Error ? err.message : String(err);
  if (wasNotSent(err)) return { outcome: 'NOT_SENT', code: 'NOT_SENT', error: message };
  if (err instanceof LayerError && REFUSING.has(err.code))
    return { outcome: 'REFUSED', code: err.code, error: message };
  return {
    outcome: 'OUTCOME_UNKNOWN',
    code: ErrorCode.OUTCOME_UNKNOWN,
    error:
      `This order's chunk was sent and no clean answer came back (${message}): the request may ` +
      'have been applied. Check the order before asking again.',
  };
}

/**
 * Sends a state-changing call in chunks the protocol accepts, one after another, never retried.
 * Every chunk's per-order results are kept: a chunk that fails after sending marks its own
 * orders OUTCOME_UNKNOWN (or REFUSED, when upstream's verdict says nothing happened), and once a
 * chunk has failed the rest are not sent (NOT_SENT): an upstream in trouble is not sent more.
 */
export async function inChunks<T>(
  ids: string[],
  send: (chunk: string[]) => Promise<Map<string, T | PanelRefusal>>,
): Promise<Map<string, PerOrder<T>>> {
  const all = new Map<string, PerOrder<T>>();
  let failed: string | null = null;
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_CALL) {
    const chunk = ids.slice(i, i + MAX_IDS_PER_CALL);
    if (failed !== null) {
      const error = `Not sent: an earlier chunk of this request failed (${failed}). Nothing happened to this order.`;
      for (const id of chunk) all.set(id, { outcome: 'NOT_SENT', code: 'NOT_SENT', error });
      continue;
    }
    try {
      const got = await send(chunk);
      for (const id of chunk) {
        const r = got.get(id) ?? { refused: 'The panel did not answer for this order' };
        all.set(
          id,
          isRefusal(r)
            ? { outcome: 'REFUSED', code: refusalCode(r.refused), error: r.refused }
            : { outcome: 'DONE', value: r },
        );
      }
    } catch (err) {
      const r = failedChunk(err);
      for (const id of chunk) all.set(id, r);
      failed = r.code;
    }
  }
  return all;
}

/** The payload's userErrors: one per order that is not DONE, at its index in orderIds. */
const notDone = <T>(orderIds: readonly string[], got: Map<string, PerOrder<T>>): UserError[] =>
  orderIds.flatMap((id, i) => {
    const r = got.get(id)!;
    return r.outcome === 'DONE' ? [] : [userError(r.code, r.error, ['orderIds', String(i)])];
  });

export const Mutation: MutationResolvers = {
  smmAddOrder: async (_p, { provider, input, idempotencyKey }, ctx) => {
    ctx.provider(provider);
    const serviceId = input.service;
    // before the service list is read or a key claimed: a refusal here reaches no panel and is not kept
    const refused = [
      ...checkId(serviceId, ['input', 'service']),
      ...textUserErrors(TEXT_FIELDS.map((f) => [['input', f], input[f], 'line'])),
    ];
    if (refused.length > 0) return { order: null, userErrors: refused };
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
    const api = ctx.api(provider);
    const got = await inChunks(ids, (chunk) => api.refill(chunk));
    const results = orderIds.map((orderId) => {
      const r = got.get(orderId)!;
      return r.outcome === 'DONE'
        ? { orderId, outcome: r.outcome, refill: { provider, id: r.value.refill }, code: null, error: null }
        : { orderId, outcome: r.outcome, refill: null, code: r.code, error: r.error };
    });
    return { results, userErrors: notDone(orderIds, got) };
  },

  smmCancel: async (_p, { provider, orderIds }, ctx) => {
    const ids = orderIdsOf(ctx, provider, orderIds);
    const api = ctx.api(provider);
    const got = await inChunks(ids, (chunk) => api.cancel(chunk));
    const results = orderIds.map((orderId) => {
      const r = got.get(orderId)!;
      return r.outcome === 'DONE'
        ? { orderId, outcome: r.outcome, requested: r.value.requested, code: null, error: null }
        : { orderId, outcome: r.outcome, requested: false, code: r.code, error: r.error };
    });
    return { results, userErrors: notDone(orderIds, got) };
  },
};
