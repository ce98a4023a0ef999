import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StoreCache } from '../../subgraphs/shared/cache.ts';
import { ErrorCode, LayerError, userError } from '../../subgraphs/shared/errors.ts';
import { idempotent, type IdempotencyOptions } from '../../subgraphs/shared/idempotency.ts';
import {
  LmdbStore,
  MemoryStore,
  RedisStore,
  StoreError,
  type KvStore,
} from '../../subgraphs/shared/store.ts';
import { REDIS_BIN, startRedis, type TestRedis } from '../helpers/redis.ts';

const opts = (store: KvStore): IdempotencyOptions => ({
  store,
  ttlMs: 60_000,
  waitMs: 2_000,
  pendingTtlMs: 10_000,
});

const dirs: string[] = [];
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'idem-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const unknown = () =>
  new LayerError(ErrorCode.OUTCOME_UNKNOWN, 'committed, then 500', { api: 'smm', status: 500 });

describe('idempotency records in the data directory (LMDB)', () => {
  it('survive a restart: a new store on the same directory replays instead of writing again', async () => {
    const dir = dataDir();
    let writes = 0;
    const first = new LmdbStore(dir);
    expect(await idempotent(opts(first), 't', 'k', { a: 1 }, async () => ({ order: ++writes }))).toEqual({
      order: 1,
    });
    await expect(
      idempotent(opts(first), 't', 'u', { a: 1 }, () => Promise.reject(unknown())),
    ).rejects.toThrow();
    await first.close();

    const restarted = new LmdbStore(dir);
    expect(await idempotent(opts(restarted), 't', 'k', { a: 1 }, async () => ({ order: ++writes }))).toEqual({
      order: 1,
    });
    await expect(
      idempotent(opts(restarted), 't', 'u', { a: 1 }, async () => ({ order: ++writes })),
    ).rejects.toMatchObject({ extensions: { code: 'OUTCOME_UNKNOWN', idempotentReplay: true } });
    expect(writes).toBe(1);
    await restarted.close();
  });

  it('a call its process left unresolved (sent, then killed) is OUTCOME_UNKNOWN after a restart, never sent again', async () => {
    const dir = dataDir();
    let writes = 0;
    let sent!: () => void;
    const wasSent = new Promise<void>((resolve) => (sent = resolve));
    // the process dies mid-call: no outcome is ever recorded, and its store is never closed
    void idempotent(opts(new LmdbStore(dir)), 't', 'k', { a: 1 }, () => {
      writes++;
      sent();
      return new Promise<never>(() => {});
    });
    await wasSent;
    const restarted = new LmdbStore(dir);
    const retry = (o: Partial<IdempotencyOptions>) =>
      idempotent({ ...opts(restarted), ...o }, 't', 'k', { a: 1 }, async () => ++writes);
    // younger than any call can take: it may still be running somewhere
    await expect(retry({ waitMs: 50 })).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    // older: its outcome is unknown for the key's whole TTL (the retry waits until it is older)
    await expect(retry({ pendingTtlMs: 100 })).rejects.toMatchObject({
      extensions: { code: 'OUTCOME_UNKNOWN', idempotentReplay: true },
    });
    expect(writes).toBe(1);
    await restarted.close();
  });

  it('a claim that never reached the send (the store failed right after taking it) expires and frees the key', async () => {
    const store = new LmdbStore(dataDir());
    const broken: KvStore = {
      ...store,
      kind: 'lmdb',
      get: (k) => store.get(k),
      setIfAbsent: (k, v, ttl) => store.setIfAbsent(k, v, ttl),
      set: () => Promise.reject(new StoreError('unavailable', 'the lmdb store did not answer')),
      delete: () => Promise.reject(new StoreError('unavailable', 'the lmdb store did not answer')),
      ping: () => store.ping(),
      close: async () => {},
    };
    let writes = 0;
    const short = { pendingTtlMs: 100 };
    await expect(
      idempotent({ ...opts(broken), ...short }, 't', 'k', {}, async () => ++writes),
    ).rejects.toMatchObject({ extensions: { code: 'IDEMPOTENCY_STORE_UNAVAILABLE' } });
    expect(writes).toBe(0);
    // the claim is left behind; it holds until pendingTtlMs, then the retry is sent
    expect(await idempotent({ ...opts(store), ...short }, 't', 'k', {}, async () => ++writes)).toBe(1);
    await store.close();
  });

  it('two replicas on one directory claim a key once between them', async () => {
    const dir = dataDir();
    const a = new LmdbStore(dir);
    const b = new LmdbStore(dir);
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).setIfAbsent('x', 'v', 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it('when full, refuses a new keyed write before running it, and never drops an old record', async () => {
    const store = new LmdbStore(dataDir(), 2);
    let writes = 0;
    const run = async () => ({ order: ++writes });
    await idempotent(opts(store), 't', 'k1', {}, run);
    await idempotent(opts(store), 't', 'k2', {}, run);
    await expect(idempotent(opts(store), 't', 'k3', {}, run)).rejects.toMatchObject({
      extensions: { code: 'IDEMPOTENCY_STORE_FULL', retryable: true },
    });
    expect(writes).toBe(2);
    expect(await idempotent(opts(store), 't', 'k1', {}, run)).toEqual({ order: 1 });
    await store.close();
  });

  it('sweeps expired records, and they do not count against the bound', async () => {
    const store = new LmdbStore(dataDir(), 2);
    await store.set('old1', 'v', 1);
    await store.set('old2', 'v', 1);
    await vi.waitFor(async () => expect(await store.get('old1')).toBeNull());
    await store.set('new', 'v', 60_000); // room made by sweeping the expired ones
    expect(await store.sweep()).toBeGreaterThanOrEqual(0);
    expect(await store.get('new')).toBe('v');
    await store.close();
  });
});

describe('the write-outcome rule under a key', () => {
  it('does not store a refusal (own validation or upstream): the key stays free', async () => {
    const store = new MemoryStore(10, false);
    let calls = 0;
    const refused = async () => {
      calls++;
      return { order: null, userErrors: [userError('QUANTITY_BELOW_MIN', 'quantity below min', ['input'])] };
    };
    await idempotent(opts(store), 't', 'k', { q: 1 }, refused);
    expect(store.size).toBe(0);
    // the caller fixes the input and retries with the same key: it is sent
    expect(
      await idempotent(opts(store), 't', 'k', { q: 100 }, async () => ({
        order: { id: '1' },
        userErrors: [],
      })),
    ).toEqual({
      order: { id: '1' },
      userErrors: [],
    });
    expect(calls).toBe(1);
    await store.close();
  });

  it('the in-memory record store never evicts: full means refused, not a dropped victim', async () => {
    const store = new MemoryStore(1, false);
    await idempotent(opts(store), 't', 'victim', {}, async () => 'placed');
    await expect(idempotent(opts(store), 't', 'other', {}, async () => 'x')).rejects.toMatchObject({
      extensions: { code: 'IDEMPOTENCY_STORE_FULL' },
    });
    expect(await idempotent(opts(store), 't', 'victim', {}, async () => 'again')).toBe('placed');
    await store.close();
  });

  it('a cache store evicts, but expired entries are swept first and never count', async () => {
    const cache = new MemoryStore(2, true);
    await cache.set('live', 'v', 60_000);
    await cache.set('expired', 'v', 1);
    await vi.waitFor(async () => expect(await cache.get('expired')).toBeNull());
    await cache.set('third', 'v', 60_000);
    expect(await cache.get('live')).toBe('v');
    await cache.close();
  });
});

describe.skipIf(!REDIS_BIN)('Redis faults (a real redis-server)', () => {
  let redis: TestRedis;
  let port: number;
  beforeAll(async () => {
    redis = await startRedis();
    port = Number(new URL(redis.url).port);
  });
  afterAll(() => redis?.stop());

  const resumed = async (store: KvStore) => vi.waitFor(() => store.ping(), { timeout: 10_000, interval: 50 });

  it('hung (SIGSTOP): a keyed write is refused before sending, a cache reads upstream; nothing is sent after SIGCONT', async () => {
    const store = new RedisStore(redis.url, `stop${Math.random()}:`, 300);
    // connected first (a loaded machine may take longer than the 300 ms command timeout)
    await resumed(store);
    const cache = new StoreCache<string>(store, 'c');
    let writes = 0;
    redis.proc.kill('SIGSTOP');
    try {
      await expect(idempotent(opts(store), 't', 'k', {}, async () => ++writes)).rejects.toMatchObject({
        extensions: { code: 'IDEMPOTENCY_STORE_UNAVAILABLE', retryable: true },
      });
      expect(await cache.getOrLoad('x', 60_000, async () => 'from upstream')).toBe('from upstream');
    } finally {
      redis.proc.kill('SIGCONT');
    }
    await resumed(store);
    // nothing was queued in the client: after Redis resumes nothing runs. (A claim already in
    // the socket's buffer may land; it only holds the key until IDEMPOTENCY_PENDING_TTL_MS.)
    expect(writes).toBe(0);
    await store.close();
  });

  it('fails after the write was sent: OUTCOME_UNKNOWN, never an internal error or an ioredis message', async () => {
    // the claim before the write must succeed even on a loaded machine; only the store's answer
    // after the write (Redis stopped) may time out
    const store = new RedisStore(redis.url, `after${Math.random()}:`, 1_000);
    await resumed(store);
    const err = await idempotent(opts(store), 't', 'k', {}, async () => {
      redis.proc.kill('SIGSTOP');
      return { order: { id: '1' } };
    }).catch((e: unknown) => e);
    redis.proc.kill('SIGCONT');
    expect(err).toBeInstanceOf(LayerError);
    expect((err as LayerError).code).toBe('OUTCOME_UNKNOWN');
    expect((err as LayerError).message).not.toMatch(/timed out|ioredis|Command|ECONN/i);
    await resumed(store);
    await store.close();
  });

  it('killed, then restarted empty on the same port: refused while down, works again after', async () => {
    const store = new RedisStore(redis.url, `kill${Math.random()}:`, 300);
    const cache = new StoreCache<string>(store, 'c');
    await store.ping();
    await redis.stop();
    let writes = 0;
    await expect(idempotent(opts(store), 't', 'k', {}, async () => ++writes)).rejects.toMatchObject({
      extensions: { code: 'IDEMPOTENCY_STORE_UNAVAILABLE' },
    });
    expect(await cache.getOrLoad('x', 60_000, async () => 'upstream')).toBe('upstream');
    redis = await startRedis(port);
    await resumed(store);
    expect(await idempotent(opts(store), 't', 'k', {}, async () => ++writes)).toBe(1);
    expect(writes).toBe(1);
    await store.close();
  });

  it('under load while hung: every keyed write is refused within the store timeout, none sent later', async () => {
    const store = new RedisStore(redis.url, `load${Math.random()}:`, 300);
    await store.ping();
    let writes = 0;
    redis.proc.kill('SIGSTOP');
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => idempotent(opts(store), 't', `k${i}`, {}, async () => ++writes)),
    );
    redis.proc.kill('SIGCONT');
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    await resumed(store);
    expect(writes).toBe(0);
    await store.close();
  });
});
