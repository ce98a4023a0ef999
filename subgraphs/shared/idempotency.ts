import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GraphQLError } from 'graphql';
import { badInput, ErrorCode, LayerError } from './errors.ts';
import { envInt } from '../../lib/env.ts';
import { createStore, type KvStore } from './store.ts';

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
   * how long a claim of a call in flight holds: longer than any upstream call can take, so
   * a slow first call is never run twice, yet a replica that died mid-call frees its keys
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
  | { state: 'pending'; fp: string }
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

  const deadline = Date.now() + opts.waitMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    const claim = JSON.stringify({ state: 'pending', fp } satisfies Stored);
    if (await opts.store.setIfAbsent(recordKey, claim, opts.pendingTtlMs))
      return runOnce(opts, recordKey, fp, run);
    const raw = await opts.store.get(recordKey);
    // null: the first call dropped its claim (it failed without taking effect), so try to claim it
    if (raw !== null) {
      const rec = JSON.parse(raw) as Stored;
      if (rec.fp !== fp) {
        throw badInput('This idempotency key was already used with a different input', ['idempotencyKey']);
      }
      if (rec.state === 'done') return rec.result as T;
      if (rec.state === 'failed') {
        throw new GraphQLError(rec.error.message, {
          extensions: { ...rec.error.extensions, idempotentReplay: true },
        });
      }
      if (Date.now() >= deadline) {
        throw new GraphQLError('A request with this idempotency key is still in progress; retry later', {
          extensions: { code: CONFLICT, retryable: true },
        });
      }
    }
    await sleep(delay);
  }
}

async function runOnce<T>(
  opts: IdempotencyOptions,
  recordKey: string,
  fp: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    const result = await run();
    await opts.store.set(
      recordKey,
      JSON.stringify({ state: 'done', fp, result } satisfies Stored),
      opts.ttlMs,
    );
    return result;
  } catch (err) {
    if (err instanceof LayerError && err.code === ErrorCode.OUTCOME_UNKNOWN) {
      const error = { message: err.message, extensions: { ...err.extensions } };
      await opts.store.set(
        recordKey,
        JSON.stringify({ state: 'failed', fp, error } satisfies Stored),
        opts.ttlMs,
      );
    } else {
      // the call did not take effect (refused before sending, or upstream unavailable): a retry may go
      await opts.store.delete(recordKey);
    }
    throw err;
  }
}

/** The store and idempotency settings of one subgraph instance, from its environment. */
export function idempotencyFromEnv(
  env: NodeJS.ProcessEnv,
  store?: KvStore,
): IdempotencyOptions & { close(): Promise<void> } {
  const s = store ?? createStore(env);
  return { store: s, ...idempotencySettings(env), close: () => s.close() };
}
