import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { userError } from '../../shared/errors.ts';
import { idempotent } from '../../shared/idempotency.ts';
import { isCreateRefusal } from '../client.ts';
import { matchIdProblem } from '../input.ts';

export const Mutation: MutationResolvers = {
  createMatchId: async (_p, { matchId, idempotencyKey }, ctx) => {
    const problem = matchIdProblem(matchId);
    if (problem) {
      return { matchId: null, userErrors: [userError('INVALID', `matchId ${problem}`, ['matchId'])] };
    }
    const api = ctx.api();
    return idempotent(ctx.idempotency, ctx.tenant(), idempotencyKey, { matchId }, async () => {
      try {
        const res = await api.create(matchId);
        if (isCreateRefusal(res)) {
          return { matchId: null, userErrors: [userError(res.refused, res.message, ['matchId'])] };
        }
        return { matchId: res, userErrors: [] };
      } finally {
        // created, a duplicate, or maybe created: a cached NOT_FOUND for it is stale either way
        await ctx.invalidate(matchId);
      }
    });
  },
};
