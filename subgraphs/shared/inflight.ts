import { createHash } from 'node:crypto';
import type { Deadline, RequestEnded } from '../../lib/deadline.ts';
import { LayerError } from './errors.ts';

/**
 * What bounds one upstream call: the request's Deadline, or for a shared read the union of its
 * waiters' deadlines (a Deadline fits it as is).
 */
export interface CallBudget {
  readonly budgetMs: number;
  /** aborted, with a RequestEnded, once nobody wants the call any more */
  readonly signal: AbortSignal;
  readonly ended: RequestEnded | undefined;
  remaining(): number;
}

/** The answer of a call, whatever it is: what a shared read hands each of its waiters. */
interface Shareable {
  status: number;
}

/** One request waiting for a shared read: the deadline it came with (none outside a request scope). */
interface Waiter {
  deadline: Deadline | undefined;
}

/**
 * One read in flight and the requests waiting for it. Its budget is theirs together: it runs
 * while any of them still wants it (the latest deadline bounds its retries) and is stopped only
 * when the last one has left, so a caller that goes away, or whose deadline passes first, takes
 * nothing from the others.
 */
class SharedRead<R extends Shareable> implements CallBudget {
  readonly waiters = new Set<Waiter>();
  private readonly stop = new AbortController();
  promise!: Promise<R>;

  constructor(
    /** the request as it is sent, credentials included: compared in full, never logged */
    readonly exact: string,
    readonly budgetMs: number,
  ) {}

  get signal(): AbortSignal {
    return this.stop.signal;
  }

  get ended(): RequestEnded | undefined {
    return this.stop.signal.aborted ? (this.stop.signal.reason as RequestEnded) : undefined;
  }

  remaining(): number {
    let most = 0;
    for (const { deadline } of this.waiters) {
      // a caller without a deadline waits as long as a call of its own would
      if (!deadline) return Infinity;
      most = Math.max(most, deadline.remaining());
    }
    return most;
  }

  abandon(why: RequestEnded): void {
    this.stop.abort(why);
  }
}

// Process-wide, like the connection pools: clients are built per request, and the reads worth
// sharing are those of different requests.
const inflight = new Map<string, SharedRead<Shareable>>();

/** How many shareable reads are in flight (tests check that nothing is left behind). */
export const sharedReadsInFlight = (): number => inflight.size;

/**
 * The map key of a request: its SHA-256 in full, so the credentials it carries never sit in a
 * key that could be printed. A hit is then compared with the whole request (`exact`): two
 * callers share only what they would have sent byte for byte.
 */
const keyOf = (exact: string): string => createHash('sha256').update(exact).digest('base64');

export interface ShareHooks<R> {
  /** sends the call once for every waiter, bounded by the budget it is given */
  send(budget: CallBudget): Promise<R>;
  /** a request joined a read already in flight: one upstream call saved */
  joined(): void;
  /** the error of a waiter that leaves (its deadline passed, its caller went away) before the answer */
  left(why: RequestEnded): Error;
}

/**
 * Sends the read `exact` describes, or joins the identical one already in flight. Every waiter
 * keeps its own deadline and gets its own copy of the answer or of the error; nothing is kept
 * once the call settles (this is not a cache).
 */
export function shareRead<R extends Shareable>(
  exact: string,
  deadline: Deadline | undefined,
  hooks: ShareHooks<R>,
): Promise<R> {
  const key = keyOf(exact);
  const waiter: Waiter = { deadline };
  const found = inflight.get(key) as SharedRead<R> | undefined;
  if (found && found.exact === exact) {
    hooks.joined();
    found.waiters.add(waiter);
    return wait(found, key, waiter, hooks);
  }
  const read = new SharedRead<R>(exact, deadline?.budgetMs ?? 0);
  read.waiters.add(waiter);
  read.promise = hooks.send(read);
  // settled: the next caller sends a call of its own
  const forget = () => {
    if (inflight.get(key) === read) inflight.delete(key);
  };
  read.promise.then(forget, forget);
  // a different request under the same hash (never seen with SHA-256) just does not share
  if (!found) inflight.set(key, read as SharedRead<Shareable>);
  return wait(read, key, waiter, hooks);
}

function wait<R extends Shareable>(
  read: SharedRead<R>,
  key: string,
  waiter: Waiter,
  hooks: ShareHooks<R>,
): Promise<R> {
  const signal = waiter.deadline?.signal;
  return new Promise<R>((resolve, reject) => {
    const leave = () => {
      read.waiters.delete(waiter);
      reject(hooks.left(signal!.reason as RequestEnded));
      if (read.waiters.size > 0) return;
      // nobody wants it any more: a new caller must not join a call that is being stopped
      if (inflight.get(key) === read) inflight.delete(key);
      read.abandon(signal!.reason as RequestEnded);
    };
    const done = () => {
      signal?.removeEventListener('abort', leave);
      read.waiters.delete(waiter);
    };
    read.promise.then(
      (res) => {
        done();
        resolve({ ...res });
      },
      (err: unknown) => {
        done();
        reject(copyError(err));
      },
    );
    if (signal?.aborted) leave();
    else signal?.addEventListener('abort', leave, { once: true });
  });
}

/**
 * One failure, one error per waiter: each request's GraphQL errors are its own objects, so
 * nothing one of them does to its error reaches another's.
 */
function copyError(err: unknown): unknown {
  if (!(err instanceof LayerError)) return err;
  const { code: _code, upstream: _upstream, ...extra } = err.extensions;
  return new LayerError(err.code, err.message, err.upstream && { ...err.upstream }, extra);
}
