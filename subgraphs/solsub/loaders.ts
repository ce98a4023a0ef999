import { recordBatch } from '../../lib/metrics.ts';
import { tracedBatch } from '../../lib/tracing.ts';
import DataLoader from 'dataloader';
import type { StoreCache } from '../shared/cache.ts';
import type { MatchIdStatusRecord, SolsubApi } from './client.ts';

export interface StatusCacheSettings {
  cache: StoreCache<MatchIdStatusRecord>;
  /** scopes cache entries to one API key (a hash, never the key) */
  keyTag: string;
  ttlMs: number;
  negativeTtlMs: number;
  /** bumped per cache key by createMatchId, so a check in flight during it is not cached */
  generation(cacheKey: string): number;
}

export const statusCacheKey = (keyTag: string, matchId: string) => `${keyTag}:${matchId}`;

const isPositive = (r: MatchIdStatusRecord) => r.state === 'PAID_ACTIVE' || r.state === 'TRIAL_ACTIVE';

/**
 * Per-request loader of Match ID checks. Each check spends a hit upstream, so an id asked
 * several times in one request (aliases, repeats in a list) is checked once, and answers are
 * reused across requests of the same key for a few seconds. SolSub has no multi-id call:
 * a batch is many single checks, run concurrently.
 */
export function createStatusLoader(api: SolsubApi, c: StatusCacheSettings) {
  const checkOne = (matchId: string): Promise<MatchIdStatusRecord> => {
    const key = statusCacheKey(c.keyTag, matchId);
    const startedAt = c.generation(key);
    return c.cache.getOrLoad(
      key,
      c.ttlMs,
      () => api.check(matchId),
      (r) => (c.generation(key) !== startedAt ? 0 : isPositive(r) ? c.ttlMs : c.negativeTtlMs),
    );
  };
  return new DataLoader<string, MatchIdStatusRecord>(
    tracedBatch('solsub', 'check', async (ids: readonly string[]) => {
      recordBatch('solsub', 'check', ids.length);
      const settled = await Promise.allSettled(ids.map(checkOne));
      return settled.map((s) => (s.status === 'fulfilled' ? s.value : toError(s.reason)));
    }),
  );
}

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

export type StatusLoader = ReturnType<typeof createStatusLoader>;
