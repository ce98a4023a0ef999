import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keyedWrites } from '../../lib/metrics.ts';
import { Deadline } from '../../lib/deadline.ts';
import { runInScope } from '../../lib/request-context.ts';
import { ErrorCode, LayerError } from '../../subgraphs/shared/errors.ts';
import { idempotent, type IdempotencyOptions } from '../../subgraphs/shared/idempotency.ts';
import { MemoryStore, RedisStore, type KvStore } from '../../subgraphs/shared/store.ts';
import { REDIS_BIN, startRedis } from '../helpers/redis.ts';

let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
const stores: Record<string, () => KvStore> = { memory: () => new MemoryStore() };

beforeAll(async () => {
  if (!REDIS_BIN) {
    console.warn('redis-server is not installed: the Redis variants of these tests are skipped');
    return;
  }
  redis = await startRedis();
  stores.redis = () => new RedisStore(redis!.url, `t${Math.random()}:`);
});
afterAll(() => redis?.stop());

/** How many keyed calls ended (or waited) each way, process-wide. */
const keyed = async (outcome: string) =>
  (await keyedWrites.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const opts = (store: KvStore): IdempotencyOptions => ({
  store,
  ttlMs: 60_000,
  waitMs: 2_000,
  pendingTtlMs: 10_000,
});

describe.each(['memory', 'redis'])('idempotent calls on the %s store', (kind) => {
  const store = () => {
    if (!stores[kind]) return undefined;
    return stores[kind]!();
  };

  it('runs once and replays the stored outcome for the same key and input', async (ctx) => {
    const s = store();
    if (!s) return ctx.skip();
    let calls = 0;
    const run = async () => ({ order: ++calls });
    expect(await idempotent(opts(s), 't', 'k1', { a: 1, b: [1, 2] }, run)).toEqual({ order: 1 });
    expect(await idempotent(opts(s), 't', 'k1', { b: [1, 2], a: 1 }, run)).toEqual({ order: 1 });
    expect(calls).toBe(1);
    await s.close();
  });

  it('refuses the same key with a different input, and keeps scopes apart', async (ctx) => {
    const s = store();
    if (!s) return ctx.skip();
    await idempotent(opts(s), 't', 'k2', { a: 1 }, async () => 1);
    await expect(idempotent(opts(s), 't', 'k2', { a: 2 }, async () => 2)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await idempotent(opts(s), 'other-tenant', 'k2', { a: 2 }, async () => 2)).toBe(2);
    await s.close();
  });

  it('stores OUTCOME_UNKNOWN so a retry cannot book twice; lets a retry through after a refusal before sending', async (ctx) => {
    const s = store();
    if (!s) return ctx.skip();
    let calls = 0;
    const unknown = async () => {
      calls++;
      throw new LayerError(ErrorCode.OUTCOME_UNKNOWN, 'timed out after sending', { api: 'smm' });
    };
    await expect(idempotent(opts(s), 't', 'k3', {}, unknown)).rejects.toMatchObject({
      extensions: { code: 'OUTCOME_UNKNOWN' },
    });
    await expect(idempotent(opts(s), 't', 'k3', {}, unknown)).rejects.toMatchObject({
      extensions: { code: 'OUTCOME_UNKNOWN', idempotentReplay: true },
    });
    expect(calls).toBe(1);
    const unavailable = async () => {
      calls++;
      throw new LayerError(ErrorCode.UPSTREAM_UNAVAILABLE, 'connection refused', { api: 'smm' });
    };
    await expect(idempotent(opts(s), 't', 'k4', {}, unavailable)).rejects.toThrow('connection refused');
    expect(await idempotent(opts(s), 't', 'k4', {}, async () => 'ok')).toBe('ok');
    await s.close();
  });

  it('makes concurrent repeats wait for the first call instead of calling again', async (ctx) => {
    const s = store();
    if (!s) return ctx.skip();
    let calls = 0;
    const upstream = gate();
    const slow = async () => {
      calls++;
      await upstream.opened;
      return { order: calls };
    };
    const waitedBefore = await keyed('waited');
    const all = Promise.all(Array.from({ length: 5 }, () => idempotent(opts(s), 't', 'k5', { q: 1 }, slow)));
    // the first call is held upstream until the four repeats are seen waiting for it
    await vi.waitFor(async () => expect(await keyed('waited')).toBe(waitedBefore + 4));
    upstream.open();
    expect(await all).toEqual(Array(5).fill({ order: 1 }));
    expect(calls).toBe(1);
    await s.close();
  });

  it('answers CONFLICT when the first call is still in flight past the wait', async (ctx) => {
    const s = store();
    if (!s) return ctx.skip();
    // held upstream until the repeat has given up: no sleeping
    const upstream = gate();
    let running!: () => void;
    const isRunning = new Promise<void>((resolve) => (running = resolve));
    const first = idempotent(opts(s), 't', 'k6', {}, async () => {
      running();
      await upstream.opened;
      return 1;
    });
    await isRunning;
    await expect(idempotent({ ...opts(s), waitMs: 100 }, 't', 'k6', {}, async () => 2)).rejects.toMatchObject(
      {
        extensions: { code: 'CONFLICT' },
      },
    );
    upstream.open();
    expect(await first).toBe(1);
    await s.close();
  });

  it('makes a duplicate wait no longer than its own request deadline allows', async (ctx) => {
    const s = store();
    if (!s) return ctx.skip();
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = idempotent(opts(s), 't', 'k-dl', {}, async () => {
      started();
      await new Promise<void>((r) => (release = r));
      return 1;
    });
    await running;
    // the wait allowed by IDEMPOTENCY_WAIT_MS is a minute; the request has 300 ms
    const deadline = new Deadline(300);
    await expect(
      runInScope({ requestId: 'dup', deadline }, () =>
        idempotent({ ...opts(s), waitMs: 60_000 }, 't', 'k-dl', {}, async () => 2),
      ),
    ).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    deadline.settle();
    release();
    expect(await first).toBe(1);
    await s.close();
  });

  it('refuses a malformed key before running', async (ctx) => {
    const s = store();
    if (!s) return ctx.skip();
    await expect(idempotent(opts(s), 't', 'bad key!', {}, async () => 1)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    await s.close();
  });
});
