import { createSolsubEmulator, type ClusterConfig } from './api.ts';

export {
  Cluster,
  createSolsubEmulator,
  HIT_LIMIT,
  type ClusterConfig,
  type SolsubEmulator,
  type SolsubSwitches,
} from './api.ts';

const DAY_MS = 24 * 60 * 60_000;

/**
 * The demo clusters of `npm start` (and the tests): an admin-generated cluster with a 7-day
 * trial and Match IDs in every state, an admin-generated cluster without trial, and a
 * user-generated one where createMatchId is NOT_ALLOWED.
 */
export const DEMO_CLUSTERS = {
  admin: {
    name: 'demo_cluster',
    key: 'demo-solsub-admin-key',
    matchIdType: 'admin_generated',
    trialPeriodDays: 7,
    matchIds: [
      { matchId: 'PAID_001', isTrial: false, validForMs: 365 * DAY_MS },
      { matchId: 'PAID_002', isTrial: false, validForMs: 30 * DAY_MS },
      { matchId: 'TRIAL_001', isTrial: true, validForMs: 7 * DAY_MS },
      { matchId: 'TRIAL_002', isTrial: true, validForMs: 2 * DAY_MS },
      { matchId: 'EXPIRED_001', isTrial: false, validForMs: -DAY_MS },
      { matchId: 'EXPIRED_TRIAL_001', isTrial: true, validForMs: -3 * DAY_MS },
      { matchId: 'LIMIT_001', isTrial: false, validForMs: 30 * DAY_MS, hitsUsed: 60 },
    ],
  },
  noTrial: {
    name: 'demo_no_trial',
    key: 'demo-solsub-notrial-key',
    matchIdType: 'admin_generated',
    trialPeriodDays: null,
    matchIds: [{ matchId: 'PAID_001', isTrial: false, validForMs: 90 * DAY_MS }],
  },
  user: {
    name: 'demo_user_cluster',
    key: 'demo-solsub-user-key',
    matchIdType: 'user_generated',
    trialPeriodDays: 3,
    matchIds: [
      { matchId: 'USER_001', isTrial: false, validForMs: 30 * DAY_MS },
      { matchId: 'USER_TRIAL_001', isTrial: true, validForMs: 3 * DAY_MS },
    ],
  },
} satisfies Record<string, ClusterConfig>;

export const createDemoSolsubEmulator = (opts: { latencyMs?: number } = {}) =>
  createSolsubEmulator(Object.values(DEMO_CLUSTERS), opts);
