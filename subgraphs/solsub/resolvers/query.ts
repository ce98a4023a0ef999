import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { checkMatchIds } from '../input.ts';

export const Query: QueryResolvers = {
  matchIdStatus: (_p, { matchId }, ctx) => {
    checkMatchIds([matchId], 'matchId');
    ctx.takeIds([matchId]);
    return ctx.statuses().load(matchId);
  },
  // one promise per id, issued in one tick: a failed check is an error at its own index
  matchIdStatuses: (_p, { matchIds }, ctx) => {
    checkMatchIds(matchIds, 'matchIds', ctx.maxIdsPerRequest);
    ctx.takeIds(matchIds);
    const loader = ctx.statuses();
    return matchIds.map((id) => loader.load(id));
  },
};
