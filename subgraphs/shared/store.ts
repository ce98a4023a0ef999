import cluster from 'node:cluster';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import type { Redis } from 'ioredis';
import { open, type RootDatabase } from 'lmdb';
import { ConfigError } from '../../lib/config.ts';
import { envInt } from '../../lib/env.ts';
import { logger } from '../../lib/logger.ts';

/**
 * Where state lives: idempotency records (kept to their TTL, never evicted, durable) and the
 * read caches (bounded, evicting, failing open), each in its own store or namespace.
 */
export interface KvStore {
  readonly kind: 'memory' | 'redis' | 'lmdb';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** sets the key only when it is absent; true when this call set it */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** throws StoreError when the store cannot be reached (what /ready reports) */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The store did not answer (down, hung, timed out): never carries the library's own message. */
export class StoreError extends Error {
  constructor(
    readonly reason: 'unavailable' | 'full',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

const unavailable = (kind: string) => new StoreError('unavailable', `the ${kind} store did not answer`);

/**
 * Entries expire on their TTL and are swept periodically (not only skipped on read), so the
 * expired ones never count against the bound. `evict`: a cache drops its oldest live entry to
 * make room; an idempotency store refuses the new entry instead (StoreError 'full').
 */
export class MemoryStore implements KvStore {
  readonly kind = 'memory';
  private readonly entries = new Map<string, { value: string; expires: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly maxEntries = 50_000,
    private readonly evict = true,
    sweepMs = 30_000,
    /** what "now" is for expiry; tests pass their own clock to reach a TTL without waiting */
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepMs).unref();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Removes every expired entry. */
  sweep(now = this.now()): void {
    for (const [k, e] of this.entries) if (e.expires <= now) this.entries.delete(k);
  }

  private live(key: string) {
    const e = this.entries.get(key);
    if (e && e.expires <= this.now()) {
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
      this.sweep();
      if (this.entries.size >= this.maxEntries) {
        if (!this.evict)
          throw new StoreError('full', `the store holds its maximum of ${this.maxEntries} records`);
        // Map keeps insertion order: drop the oldest entry
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
    }
    this.entries.set(key, { value, expires: this.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.live(key)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async delete(key: string) {
    this.entries.delete(key);
  }

  async ping() {}

  async close() {
    clearInterval(this.sweeper);
    this.entries.clear();
  }
}

interface LmdbEntry {
  v: string;
  /** expiry, epoch ms */
  e: number;
}

// One environment per data directory in a process (the four subgraphs of `npm start` share it):
// LMDB wants one open per process and path.
const lmdbOpen = new Map<string, { db: RootDatabase<LmdbEntry, string>; users: number }>();

/**
 * Idempotency records in a file (LMDB) in the data directory: they survive a restart. LMDB is
 * safe for several processes on one directory (writers are serialised by its lock file, readers
 * never block), so two replicas sharing a data dir share the records instead of corrupting them.
 * Never evicts: when full, a new record is refused (StoreError 'full').
 */
export class LmdbStore implements KvStore {
  readonly kind = 'lmdb';
  private readonly db: RootDatabase<LmdbEntry, string>;
  private readonly path: string;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    dataDir: string,
    private readonly maxEntries = 1_000_000,
    sweepMs = 60_000,
  ) {
    this.path = resolvePath(dataDir, 'idempotency');
    let open_ = lmdbOpen.get(this.path);
    if (!open_) {
      mkdirSync(this.path, { recursive: true });
      open_ = {
        db: open<LmdbEntry, string>({ path: this.path, encoding: 'json', compression: false }),
        users: 0,
      };
      lmdbOpen.set(this.path, open_);
    }
    open_.users++;
    this.db = open_.db;
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), sweepMs).unref();
  }

  private now = () => Date.now();

  /** Removes every expired record. */
  async sweep(): Promise<number> {
    const now = this.now();
    let removed = 0;
    await this.db.transaction(() => {
      for (const { key, value } of this.db.getRange()) {
        if (value.e <= now) {
          void this.db.remove(key);
          removed++;
        }
      }
    });
    return removed;
  }

  async get(key: string) {
    const e = this.db.get(key);
    return e && e.e > this.now() ? e.v : null;
  }

  async set(key: string, value: string, ttlMs: number) {
    const ok = this.db.transactionSync(() => {
      if (this.db.get(key) === undefined && this.full()) return false;
      void this.db.put(key, { v: value, e: this.now() + ttlMs });
      return true;
    });
    if (!ok) throw this.fullError();
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    // read and write in one write transaction: atomic across processes on this directory
    const r = this.db.transactionSync(() => {
      const cur = this.db.get(key);
      if (cur && cur.e > this.now()) return 'taken';
      if (cur === undefined && this.full()) return 'full';
      void this.db.put(key, { v: value, e: this.now() + ttlMs });
      return 'set';
    });
    if (r === 'full') throw this.fullError();
    return r === 'set';
  }

  private full(): boolean {
    if (this.db.getCount() < this.maxEntries) return false;
    // expired records do not count: sweep them inside this transaction first
    const now = this.now();
    for (const { key, value } of this.db.getRange()) if (value.e <= now) void this.db.remove(key);
    return this.db.getCount() >= this.maxEntries;
  }

  private fullError() {
    return new StoreError('full', `the idempotency store holds its maximum of ${this.maxEntries} records`);
  }

  async delete(key: string) {
    await this.db.remove(key);
  }

  async ping() {}

  async close() {
    clearInterval(this.sweeper);
    const o = lmdbOpen.get(this.path);
    if (o && --o.users === 0) {
      lmdbOpen.delete(this.path);
      await o.db.close();
    }
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
    /** every command's deadline: a hung Redis (SIGSTOP) fails a command instead of holding it */
    private readonly timeoutMs = 1_000,
  ) {
    // loaded here, with REDIS_URL, rather than by every process (ioredis is ~0.4 MB of source and
    // its compiled code in each worker otherwise)
    const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as { Redis: typeof Redis };
    // no offline queue: a command while Redis is away fails now instead of being sent (a write's
    // claim included) long after its caller gave up
    this.redis = new RedisClient(url, {
      lazyConnect: false,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      commandTimeout: timeoutMs,
      connectTimeout: Math.max(timeoutMs, 1_000),
    });
    // the URL may carry a password: log the host only, and the error's code, never its message
    // (a client may quote the URL it was given)
    const host = redisHost(url);
    this.redis.on('error', (err: NodeJS.ErrnoException) =>
      logger.warn({ store: 'redis', host, code: err.code ?? err.name }, 'redis error'),
    );
  }

  /** Runs one command; any failure (timeout, refused, offline) is a StoreError, never ioredis' text. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      await this.connected();
      return await command();
    } catch {
      throw unavailable('redis');
    }
  }

  /** Waits for the connection, at most the command timeout (no queue holds the command itself). */
  private connected(): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        if (ok) resolve();
        else reject(unavailable('redis'));
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), this.timeoutMs);
      this.redis.once('ready', onReady);
    });
  }

  async get(key: string) {
    return this.run(() => this.redis.get(this.prefix + key));
  }

  async set(key: string, value: string, ttlMs: number) {
    await this.run(() => this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs))));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    const r = await this.run(() =>
      this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)), 'NX'),
    );
    return r === 'OK';
  }

  async delete(key: string) {
    await this.run(() => this.redis.del(this.prefix + key));
  }

  async ping() {
    await this.run(() => this.redis.ping());
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The idempotency store and the cache store of one subgraph instance. */
export interface Stores {
  idempotency: KvStore;
  cache: KvStore;
  close(): Promise<void>;
}

/**
 * REDIS_URL: both in Redis (replicas share them), in separate namespaces; Redis must persist
 * (appendonly) and must not evict (maxmemory-policy noeviction) for the idempotency guarantee.
 * Else DATA_DIR: idempotency records in an LMDB file there (durable), caches in memory.
 * Neither: both in memory (records die with the process; tests and throwaway runs), refused in
 * a cluster worker (WORKERS > 1).
 */
export function createStores(env: NodeJS.ProcessEnv = process.env): Stores {
  const maxRecords = envInt('IDEMPOTENCY_MAX_RECORDS', 1_000_000, env);
  const cache = new MemoryStore(envInt('CACHE_MAX_ENTRIES', 50_000, env), true);
  if (env.REDIS_URL) {
    const timeoutMs = envInt('REDIS_TIMEOUT_MS', 1_000, env);
    const prefix = env.REDIS_PREFIX ?? 'rf:';
    const idem = new RedisStore(env.REDIS_URL, `${prefix}idem:`, timeoutMs);
    const shared = new RedisStore(env.REDIS_URL, `${prefix}cache:`, timeoutMs);
    return {
      idempotency: idem,
      cache: shared,
      close: async () => {
        await Promise.all([idem.close(), shared.close(), cache.close()]);
      },
    };
  }
  // records in one worker's memory would let the same key through once per worker
  if (!env.DATA_DIR && cluster.isWorker)
    throw new ConfigError(
      'DATA_DIR',
      'is required with WORKERS > 1 (or REDIS_URL): idempotency records must be shared by every worker',
    );
  const idempotency = env.DATA_DIR
    ? new LmdbStore(env.DATA_DIR, maxRecords)
    : new MemoryStore(maxRecords, false);
  return {
    idempotency,
    cache,
    close: async () => {
      await Promise.all([idempotency.close(), cache.close()]);
    },
  };
}
