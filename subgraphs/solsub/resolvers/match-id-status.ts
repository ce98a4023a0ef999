import type { MatchIdStatusResolvers } from '../__generated__/resolvers-types.ts';

export const MatchIdStatus: MatchIdStatusResolvers = {
  active: (p) => p.state === 'PAID_ACTIVE' || p.state === 'TRIAL_ACTIVE',
};
