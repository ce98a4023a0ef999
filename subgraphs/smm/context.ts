import { badInput } from '../shared/errors.ts';
import { tenantTag, type StoreCache } from '../shared/cache.ts';
import type { IdempotencyOptions } from '../shared/idempotency.ts';
import { credentialFrom, type RequestInfo, type SubgraphState } from '../shared/definition.ts';
import { HttpSmmApi, type SmmApi, type SmmBalanceRecord, type SmmServiceRecord } from './client.ts';
import type { ProviderConfig, SmmConfig } from './config.ts';
import { createSmmLoaders, type SmmLoaders } from './loaders.ts';
import { SMM_KEY_HEADER_PREFIX } from './headers.ts';

export const smmKeyHeader = (providerId: string) => `${SMM_KEY_HEADER_PREFIX}${providerId}`;

/** State that outlives a request: the configuration, the services cache, idempotency records. */
export interface SmmShared extends SubgraphState<
  SmmConfig,
  (provider: ProviderConfig, key: string) => SmmApi
> {
  servicesCache: StoreCache<SmmServiceRecord[]>;
}

export interface SmmContext {
  provider(id: string): ProviderConfig;
  providers(): ProviderConfig[];
  api(providerId: string): SmmApi;
  loaders: SmmLoaders;
  services(providerId: string): Promise<SmmServiceRecord[]>;
  balance(providerId: string): Promise<SmmBalanceRecord>;
  /** counts ids asked for in this request and refuses past the configured bound */
  takeIds(n: number): void;
  /** most order ids one refill or cancel takes */
  maxIdsPerMutation: number;
  /** names the tenant (provider URL and key) without the key itself, for cache and idempotency scopes */
  tenant(providerId: string): string;
  idempotency: IdempotencyOptions;
}

// The provider list never changes after start: index it once, not on every request.
const indexes = new WeakMap<SmmConfig, Map<string, ProviderConfig>>();
function providersById(config: SmmConfig): Map<string, ProviderConfig> {
  let byId = indexes.get(config);
  if (!byId) indexes.set(config, (byId = new Map(config.providers.map((p) => [p.id, p]))));
  return byId;
}

export function createSmmContext(shared: SmmShared, req: RequestInfo): SmmContext {
  const { config } = shared;
  const byId = providersById(config);
  const apis = new Map<string, SmmApi>();
  const balances = new Map<string, Promise<SmmBalanceRecord>>();
  let idsTaken = 0;

  const provider = (id: string): ProviderConfig => {
    const p = byId.get(id);
    if (!p) {
      const known = config.providers.map((x) => x.id).join(', ') || '(none)';
      throw badInput(`Unknown SMM provider "${id.slice(0, 64)}". Configured providers: ${known}`, [
        'provider',
      ]);
    }
    return p;
  };

  const keyFor = (p: ProviderConfig): string =>
    credentialFrom(
      req,
      smmKeyHeader(p.id),
      p.key,
      `No API key for SMM provider ${p.id}: configure one or send the ${smmKeyHeader(p.id)} header`,
      { api: 'smm', provider: p.id },
    );

  const tenant = (providerId: string) => {
    const p = provider(providerId);
    return `${p.id}:${tenantTag(p.url, keyFor(p))}`;
  };

  const api = (providerId: string): SmmApi => {
    let a = apis.get(providerId);
    if (!a) {
      const p = provider(providerId);
      const key = keyFor(p);
      a = shared.makeApi ? shared.makeApi(p, key) : new HttpSmmApi(p, key, config.http);
      apis.set(providerId, a);
    }
    return a;
  };

  return {
    provider,
    providers: () => config.providers,
    api,
    loaders: createSmmLoaders(api),
    services(providerId) {
      // rates can differ per reseller account, so the catalogue is cached per key
      return shared.servicesCache.getOrLoad(tenant(providerId), config.servicesTtlMs, () =>
        api(providerId).services(),
      );
    },
    tenant,
    idempotency: shared.idempotency,
    balance(providerId) {
      let b = balances.get(providerId);
      if (!b) balances.set(providerId, (b = api(providerId).balance()));
      return b;
    },
    maxIdsPerMutation: config.maxIdsPerRequest,
    takeIds(n) {
      idsTaken += n;
      if (idsTaken > config.maxIdsPerRequest) {
        throw badInput(`Too many SMM ids in one request: at most ${config.maxIdsPerRequest}`);
      }
    },
  };
}
