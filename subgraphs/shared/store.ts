import { Redis } from 'ioredis';
import { logger } from '../../lib/logger.ts';

/**
 * Where state that must be shared between replicas lives: idempotency records and the
 * caches. In memory for one process; Redis (REDIS_URL) when the layer runs as several.
 */
export interface KvStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** sets the key only when it is absent; true when this call set it */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryStore implements KvStore {
  readonly kind = 'memory';
  private readonly entries = new Map<string, { value: string; expires: number }>();

  constructor(private readonly maxEntries = 50_000) {}

  private live(key: string) {
    const e = this.entries.get(key);
    if (e && e.expires <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs: number) {
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      // Map keeps insertion order: drop the oldest entry
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expires: Date.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.live(key)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async delete(key: string) {
    this.entries.delete(key);
  }

  async close() {
    this.entries.clear();
  }
}

/** host:port of a Redis URL, without the user name and password it may carry. */
export function redisHost(url: string): string {
  try {
    return new URL(url).host || '(no host)';
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

export class RedisStore implements KvStore {
  readonly kind = 'redis';
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'rf:',
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    // the URL may carry a password: log the host only, and the error's code, never its message
    // (a client may quote the URL it was given)
    const host = redisHost(url);
    this.redis.on('error', (err: NodeJS.ErrnoException) =>
      logger.warn({ store: 'redis', host, code: err.code ?? err.name }, 'redis error'),
    );
  }

  async get(key: string) {
    return this.redis.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlMs: number) {
    await this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (
      (await this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK'
    );
  }

  async delete(key: string) {
    await this.redis.del(this.prefix + key);
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * A store for one subgraph instance: Redis when REDIS_URL is set (replicas share it), else
 * memory private to this instance. The caller closes it with the subgraph.
 */
export function createStore(env: NodeJS.ProcessEnv = process.env): KvStore {
  return env.REDIS_URL ? new RedisStore(env.REDIS_URL, env.REDIS_PREFIX ?? 'rf:') : new MemoryStore();
}
