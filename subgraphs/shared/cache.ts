import { createHash } from 'node:crypto';
import { logger } from '../../lib/logger.ts';
import { cacheStoreFailures } from '../../lib/metrics.ts';
import type { KvStore } from './store.ts';

/** A cache-key fragment for a credential: scopes entries per tenant without storing the secret. */
export const credentialTag = (secret: string) =>
  createHash('sha256').update(secret).digest('hex').slice(0, 16);

/**
 * Names a tenant for cache and idempotency scopes: the upstream URL with the credential used
 * there (one key against two deployments sharing a Redis is two tenants), never the credential.
 */
export const tenantTag = (upstreamUrl: string, credential: string) =>
  credentialTag(`${upstreamUrl}\n${credential}`);

/**
 * A TTL cache over a KvStore, so replicas share entries when the store is Redis. Concurrent
 * misses in this process still share one load; values must be JSON.
 */
export class StoreCache<V> {
  private readonly inflight = new Map<string, Promise<V>>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly store: KvStore,
    private readonly namespace: string,
  ) {}

  async getOrLoad(key: string, ttlMs: number, load: () => Promise<V>, ttlFor?: (v: V) => number): Promise<V> {
    if (ttlMs <= 0) return load();
    const k = `${this.namespace}:${key}`;
    const raw = await this.store.get(k).then(
      (v) => this.recovered(v),
      () => this.failed(null),
    );
    if (raw !== null) {
      this.hits++;
      return JSON.parse(raw) as V;
    }
    const pending = this.inflight.get(k);
    if (pending) return pending;
    this.misses++;
    const promise = load().then(async (value) => {
      const ttl = ttlFor ? Math.min(ttlFor(value), ttlMs) : ttlMs;
      if (ttl > 0) {
        await this.store.set(k, JSON.stringify(value), ttl).then(
          () => this.recovered(undefined),
          () => this.failed(undefined),
        );
      }
      return value;
    });
    this.inflight.set(k, promise);
    try {
      return await promise;
    } finally {
      this.inflight.delete(k);
    }
  }

  delete(key: string): Promise<void> {
    return this.store.delete(`${this.namespace}:${key}`).catch(() => this.failed(undefined));
  }

  // A cache outage means reading upstream, not failing: counted on every miss it causes,
  // logged once when it starts and once when it ends (not once per request).
  private outage = false;

  private failed<T>(v: T): T {
    cacheStoreFailures.inc({ cache: this.namespace });
    if (!this.outage) {
      this.outage = true;
      logger.warn(
        { cache: this.namespace, store: this.store.kind },
        'cache store unavailable: reading upstream',
      );
    }
    return v;
  }

  private recovered<T>(v: T): T {
    if (this.outage) {
      this.outage = false;
      logger.info({ cache: this.namespace, store: this.store.kind }, 'cache store available again');
    }
    return v;
  }
}
