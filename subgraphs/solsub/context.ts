import type { IdempotencyOptions } from '../shared/idempotency.ts';
import { badInput } from '../shared/errors.ts';
import { tenantTag, type StoreCache } from '../shared/cache.ts';
import { logger } from '../../lib/logger.ts';
import { credentialFrom, type RequestInfo, type SubgraphState } from '../shared/definition.ts';
import { HttpSolsubApi, type MatchIdStatusRecord, type SolsubApi } from './client.ts';
import type { SolsubConfig } from './config.ts';
import { createStatusLoader, statusCacheKey, type StatusLoader } from './loaders.ts';
import { SOLSUB_KEY_HEADER } from './headers.ts';

const MAX_GENERATIONS = 10_000;

/** State that outlives a request: the configuration and the cross-request check cache. */
export interface SolsubShared extends SubgraphState<SolsubConfig, (apiKey: string) => SolsubApi> {
  statusCache: StoreCache<MatchIdStatusRecord>;
  /** per cache key, bumped when createMatchId touches that Match ID */
  generations: Map<string, number>;
}

export interface SolsubContext {
  api(): SolsubApi;
  /** checks, de-duplicated per request and cached across requests of the same key */
  statuses(): StatusLoader;
  /** forgets what this key's cache and this request know about a Match ID */
  invalidate(matchId: string): Promise<void>;
  /** counts the distinct Match IDs asked in this request and refuses past the bound */
  takeIds(ids: readonly string[]): void;
  maxIdsPerRequest: number;
  /** names this request's cluster (URL and key) without the key, for idempotency scopes */
  tenant(): string;
  idempotency: IdempotencyOptions;
}

export function createSolsubContext(shared: SolsubShared, req: RequestInfo): SolsubContext {
  const { config } = shared;
  let api: SolsubApi | undefined;
  let loader: StatusLoader | undefined;
  let tag: string | undefined;
  const asked = new Set<string>();

  const apiKey = (): string =>
    credentialFrom(
      req,
      SOLSUB_KEY_HEADER,
      config.apiKey,
      `No SolSub API key: set SOLSUB_API_KEY or send the ${SOLSUB_KEY_HEADER} header`,
      { api: 'solsub' },
    );
  const keyTag = () => (tag ??= tenantTag(config.url, apiKey()));
  const getApi = () =>
    (api ??= shared.makeApi
      ? shared.makeApi(apiKey())
      : new HttpSolsubApi(config.url, apiKey(), config.http));

  return {
    api: getApi,
    tenant: () => `solsub:${keyTag()}`,
    idempotency: shared.idempotency,
    statuses: () =>
      (loader ??= createStatusLoader(getApi(), {
        cache: shared.statusCache,
        keyTag: keyTag(),
        ttlMs: config.cacheTtlMs,
        negativeTtlMs: config.negativeCacheTtlMs,
        generation: (k) => shared.generations.get(k) ?? 0,
      })),
    async invalidate(matchId) {
      const key = statusCacheKey(keyTag(), matchId);
      loader?.clear(matchId);
      const next = (shared.generations.get(key) ?? 0) + 1;
      shared.generations.delete(key);
      shared.generations.set(key, next);
      // only checks in flight during a create need their generation: the oldest can go
      if (shared.generations.size > MAX_GENERATIONS) {
        shared.generations.delete(shared.generations.keys().next().value!);
      }
      // the create itself went through: a store failure here must not turn it into an error
      await shared.statusCache.delete(key).catch((err: unknown) => {
        logger.warn({ err: (err as Error).message, api: 'solsub' }, 'could not invalidate a cached check');
      });
    },
    takeIds(ids) {
      for (const id of ids) asked.add(id);
      if (asked.size > config.maxIdsPerRequest) {
        throw badInput(`Too many Match IDs in one request: at most ${config.maxIdsPerRequest}`, ['matchIds']);
      }
    },
    maxIdsPerRequest: config.maxIdsPerRequest,
  };
}
