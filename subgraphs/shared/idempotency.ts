import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentDeadline } from '../../lib/request-context.ts';
import { GraphQLError } from 'graphql';
import { badInput, ErrorCode, LayerError } from './errors.ts';
import { envInt } from '../../lib/env.ts';
import { keyedWrites } from '../../lib/metrics.ts';
import { createStores, StoreError, type KvStore } from './store.ts';

/**
 * Idempotency keys for calls that spend money: the first call with a key runs once and its
 * outcome is stored; a repeat with the same input gets that outcome back without calling
 * upstream, even from another replica (the store is shared). An OUTCOME_UNKNOWN is stored as
 * such, so a retry can never book twice.
 */
export interface IdempotencyOptions {
  store: KvStore;
  /** how long an outcome is kept */
  ttlMs: number;
  /** how long a repeat waits for a first call still in flight before giving up */
  waitMs: number;
  /**
   * longer than any upstream call can take. A claim that never reached the send (its process
   * died, or the store took it after its caller had given up) frees the key after this; a call
   * that was sent and never recorded its outcome is OUTCOME_UNKNOWN after this, never freed.
   */
  pendingTtlMs: number;
}

export function idempotencySettings(env: NodeJS.ProcessEnv = process.env) {
  return {
    ttlMs: envInt('IDEMPOTENCY_TTL_MS', 24 * 3600_000, env),
    waitMs: envInt('IDEMPOTENCY_WAIT_MS', 10_000, env),
    pendingTtlMs: envInt('IDEMPOTENCY_PENDING_TTL_MS', 120_000, env),
  };
}

type Stored =
  // claimed, not yet sent: expires after pendingTtlMs (nothing was sent, the key comes free)
  | { state: 'pending'; fp: string; at?: number }
  // about to be sent, or sent: kept for the whole TTL until its outcome replaces it
  | { state: 'sending'; fp: string; at?: number }
  | { state: 'done'; fp: string; result: unknown }
  | { state: 'failed'; fp: string; error: { message: string; extensions: Record<string, unknown> } };

const KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

/** JSON with sorted object keys, so the same input always has the same fingerprint. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined && x !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const fingerprint = (input: unknown) => createHash('sha256').update(canonical(input)).digest('hex');

export const CONFLICT = 'CONFLICT';

/** what a waiting duplicate leaves of its request's deadline to send its CONFLICT answer */
const WAIT_MARGIN_MS = 200;

/** The records could not be read or written before sending: nothing was sent, retry later. */
export const IDEMPOTENCY_STORE_UNAVAILABLE = 'IDEMPOTENCY_STORE_UNAVAILABLE';
/** The records are at their bound (never evicted before their TTL): nothing was sent. */
export const IDEMPOTENCY_STORE_FULL = 'IDEMPOTENCY_STORE_FULL';

function notSent(err: unknown): never {
  if (err instanceof StoreError && err.reason === 'full') {
    throw new GraphQLError(
      'The idempotency store is full, so this keyed write was not sent; retry later or without a key',
      { extensions: { code: IDEMPOTENCY_STORE_FULL, retryable: true } },
    );
  }
  throw new GraphQLError(
    'The idempotency store is unavailable, so this keyed write was not sent; retry later',
    {
      extensions: { code: IDEMPOTENCY_STORE_UNAVAILABLE, retryable: true },
    },
  );
}

/**
 * A payload that only refuses (userErrors, and nothing else set: null, an empty list, or a
 * `false` flag such as `created: false`): nothing happened, so it frees the key and is not
 * stored (a refused input must not hold a record for 24 h).
 */
export function isRefusedPayload(result: unknown): boolean {
  if (!result || typeof result !== 'object') return false;
  const { userErrors, ...rest } = result as Record<string, unknown>;
  if (!Array.isArray(userErrors) || userErrors.length === 0) return false;
  return Object.values(rest).every(
    (v) => v === null || v === undefined || v === false || (Array.isArray(v) && v.length === 0),
  );
}

export async function idempotent<T>(
  opts: IdempotencyOptions,
  /** api and tenant (a credential tag, never the credential): keys never cross tenants */
  scope: string,
  key: string | null | undefined,
  input: unknown,
  run: () => Promise<T>,
): Promise<T> {
  if (key === undefined || key === null) return run();
  if (!KEY.test(key))
    throw badInput('idempotencyKey: 1 to 128 characters of A-Z a-z 0-9 _ . : -', ['idempotencyKey']);
  const recordKey = `idem:${scope}:${key}`;
  const fp = fingerprint(input);

  // a duplicate waits for the first call no longer than its own request may run, answering
  // CONFLICT (retryable) in time rather than being cut off with nothing
  const left = currentDeadline()?.remaining() ?? Infinity;
  const deadline = Date.now() + Math.min(opts.waitMs, left - WAIT_MARGIN_MS);
  let waited = false;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    const claim = JSON.stringify({ state: 'pending', fp, at: Date.now() } satisfies Stored);
    const claimed = await opts.store.setIfAbsent(recordKey, claim, opts.pendingTtlMs).catch(notSent);
    if (claimed) {
      keyedWrites.inc({ outcome: 'sent' });
      return runOnce(opts, recordKey, fp, run);
    }
    const raw = await opts.store.get(recordKey).catch(notSent);
    // null: the first call dropped its claim (it failed without taking effect), so try to claim it
    if (raw !== null) {
      const rec = JSON.parse(raw) as Stored;
      if (rec.fp !== fp) {
        throw badInput('This idempotency key was already used with a different input', ['idempotencyKey']);
      }
      if (rec.state === 'done') {
        keyedWrites.inc({ outcome: 'replayed' });
        return rec.result as T;
      }
      if (rec.state === 'failed') {
        keyedWrites.inc({ outcome: 'replayed' });
        throw new GraphQLError(rec.error.message, {
          extensions: { ...rec.error.extensions, idempotentReplay: true },
        });
      }
      // (a record from before `at` was kept counts as old: it can only have been left behind)
      if (rec.state === 'sending' && Date.now() - (rec.at ?? 0) >= opts.pendingTtlMs) {
        keyedWrites.inc({ outcome: 'unresolved' });
        throw unresolved(rec.at);
      }
      if (Date.now() >= deadline) {
        keyedWrites.inc({ outcome: 'conflict' });
        throw new GraphQLError('A request with this idempotency key is still in progress; retry later', {
          extensions: { code: CONFLICT, retryable: true },
        });
      }
      if (!waited) {
        waited = true;
        keyedWrites.inc({ outcome: 'waited' });
      }
    }
    await sleep(delay);
  }
}

/**
 * A call that was sent (or about to be) and whose outcome was never recorded, for longer than
 * any call can take: the process running it stopped mid-call (a crash, SIGKILL, a lost store).
 * Its write may have happened, so it is OUTCOME_UNKNOWN for the key's whole TTL, never freed.
 */
function unresolved(at: number | undefined): GraphQLError {
  const when = at ? ` at ${new Date(at).toISOString()}` : '';
  return new GraphQLError(
    `A call with this idempotency key was sent${when} and its outcome was never recorded (the ` +
      'process running it stopped mid-call): it may have taken effect. Check its state before ' +
      'trying again with a new key.',
    { extensions: { code: ErrorCode.OUTCOME_UNKNOWN, idempotentReplay: true } },
  );
}

async function runOnce<T>(
  opts: IdempotencyOptions,
  recordKey: string,
  fp: string,
  run: () => Promise<T>,
): Promise<T> {
  // Marked before anything is sent, for the key's whole TTL: if this process dies mid-call, the
  // mark outlives it and a retry answers OUTCOME_UNKNOWN instead of sending again. (The claim
  // alone expires: the store may take a claim after its caller gave up, when nothing was sent.)
  const sending = JSON.stringify({ state: 'sending', fp, at: Date.now() } satisfies Stored);
  try {
    await opts.store.set(recordKey, sending, opts.ttlMs);
  } catch (err) {
    await release(opts, recordKey);
    notSent(err);
  }
  let result: T;
  try {
    result = await run();
  } catch (err) {
    if (err instanceof LayerError && err.code === ErrorCode.OUTCOME_UNKNOWN) {
      const error = { message: err.message, extensions: { ...err.extensions } };
      // kept for the key's whole TTL: a retry must never send it again
      await record(opts, recordKey, { state: 'failed', fp, error }, err.message);
    } else {
      // not sent, or refused: nothing happened, so the key may be used again
      await release(opts, recordKey);
    }
    throw err;
  }
  if (isRefusedPayload(result)) {
    await release(opts, recordKey);
    return result;
  }
  await record(opts, recordKey, { state: 'done', fp, result }, 'the write was done');
  return result;
}

/**
 * Stores an outcome after the write was sent. When that fails, the caller is told
 * OUTCOME_UNKNOWN: the write happened (or may have), and the claim left behind keeps a retry
 * from sending again until it expires.
 */
async function record(opts: IdempotencyOptions, recordKey: string, rec: Stored, what: string): Promise<void> {
  try {
    await opts.store.set(recordKey, JSON.stringify(rec), opts.ttlMs);
  } catch {
    throw new LayerError(
      ErrorCode.OUTCOME_UNKNOWN,
      `The write was sent (${what}) but its outcome could not be recorded under this idempotency key: ` +
        'it may have taken effect. Check its state before trying again.',
      undefined,
      { idempotencyStore: 'unavailable' },
    );
  }
}

async function release(opts: IdempotencyOptions, recordKey: string): Promise<void> {
  // a mark that cannot be dropped turns into OUTCOME_UNKNOWN after pendingTtlMs (safe: nothing
  // is sent twice; the caller uses a new key); the answer stands
  await opts.store.delete(recordKey).catch(() => undefined);
}

/** The store and idempotency settings of one subgraph instance, from its environment. */
export function idempotencyFromEnv(
  env: NodeJS.ProcessEnv,
  store?: KvStore,
): IdempotencyOptions & {
  cacheStore: KvStore;
  stores(): Promise<Record<string, { kind: string; up: boolean }>>;
  close(): Promise<void>;
} {
  const stores = store ? { idempotency: store, cache: store, close: () => store.close() } : createStores(env);
  const up = (s: KvStore) =>
    s.ping().then(
      () => ({ kind: s.kind, up: true }),
      () => ({ kind: s.kind, up: false }),
    );
  return {
    store: stores.idempotency,
    cacheStore: stores.cache,
    ...idempotencySettings(env),
    stores: async () => ({ idempotency: await up(stores.idempotency), cache: await up(stores.cache) }),
    close: () => stores.close(),
  };
}
