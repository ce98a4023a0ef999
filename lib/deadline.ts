import { setMaxListeners } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { envInt } from './env.ts';

/**
 * The request's remaining budget in milliseconds, sent by the gateway to each subgraph. Relative,
 * not a timestamp: the two may run on machines whose clocks disagree.
 */
export const DEADLINE_HEADER = 'x-request-deadline-ms';

/**
 * Well under the 30–60 s at which load balancers and HTTP clients commonly give up, so the layer
 * answers (with an error naming the slow upstream) before the caller's own timeout fires and
 * turns the answer into a bare disconnect.
 */
export const DEFAULT_REQUEST_DEADLINE_MS = 10_000;

export const requestDeadlineMs = (env: NodeJS.ProcessEnv = process.env): number =>
  envInt('REQUEST_DEADLINE_MS', DEFAULT_REQUEST_DEADLINE_MS, env) || DEFAULT_REQUEST_DEADLINE_MS;

export type DeadlineReason = 'deadline' | 'caller_gone';

/** Why a request stopped: the abort reason of its signal. */
export class RequestEnded extends Error {
  constructor(
    readonly reason: DeadlineReason,
    readonly budgetMs: number,
  ) {
    super(
      reason === 'deadline' ? `the request's deadline of ${budgetMs} ms passed` : 'the caller disconnected',
    );
    this.name = 'RequestEnded';
  }
}

/** One request's budget: upstream calls fit in it, and writes not yet sent when it ends are not sent. */
export class Deadline {
  readonly at: number;
  private readonly controller = new AbortController();
  private readonly gone = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly budgetMs: number) {
    this.at = performance.now() + budgetMs;
    this.timer = setTimeout(() => this.end('deadline'), budgetMs);
    // a pending deadline must not keep a finished process alive
    this.timer.unref();
    // Every upstream call in flight listens on these until it ends, and one request makes many
    // at once (a batch of Match IDs, a dashboard): past ten Node writes a "possible memory leak"
    // warning to stderr, in production too. The listeners go when their calls end and the
    // signals with the request, so there is no leak to warn of.
    setMaxListeners(0, this.controller.signal, this.gone.signal);
  }

  /** aborted when the deadline passes or the caller goes away; its reason is a RequestEnded */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** aborted only when the caller goes away: what is still of use to a caller past the deadline */
  get callerGone(): AbortSignal {
    return this.gone.signal;
  }

  get ended(): RequestEnded | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as RequestEnded) : undefined;
  }

  remaining(): number {
    return Math.max(0, Math.floor(this.at - performance.now()));
  }

  end(reason: DeadlineReason): void {
    clearTimeout(this.timer);
    const why = new RequestEnded(reason, this.budgetMs);
    if (reason === 'caller_gone' && !this.gone.signal.aborted) this.gone.abort(why);
    if (!this.controller.signal.aborted) this.controller.abort(why);
  }

  /** the request was answered: nothing is left to stop */
  settle(): void {
    clearTimeout(this.timer);
  }
}

/** The budget a caller asked for in `x-request-deadline-ms`, when it is a plain positive integer. */
export function askedBudget(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return undefined;
  return Number(value);
}

/** A request's deadline: `maxMs`, or less when the caller (the gateway) says less is left. */
export function deadlineFor(headers: Record<string, string | string[] | undefined>, maxMs: number): Deadline {
  const asked = askedBudget(headers[DEADLINE_HEADER]);
  return new Deadline(asked === undefined ? maxMs : Math.min(asked, maxMs));
}

/**
 * Starts the request's deadline (res.locals.deadline, see deadlineFor). It ends early when the
 * client disconnects before being answered.
 */
export function startDeadline(maxMs: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const deadline = deadlineFor(req.headers, maxMs);
    res.locals.deadline = deadline;
    res.on('close', () => {
      if (res.writableFinished) deadline.settle();
      else deadline.end('caller_gone');
    });
    next();
  };
}

/** A call's signal and what stops its timer once the call is over. */
export interface CallSignal {
  signal: AbortSignal;
  release(): void;
}

/**
 * `AbortSignal.any([AbortSignal.timeout(ms), parent])` for one outgoing call, with the same abort
 * reasons (a `TimeoutError` DOMException, or the parent's reason), but released when the call
 * ends: its timer is cleared and nothing stays attached to the request's signals. The built-in
 * pair left a pending timer per call for its whole budget (seconds) and tied composite signals
 * to the request's through weak references, about 1.5% of the stack's CPU in the bench profile.
 */
export function callSignal(ms: number, parent?: AbortSignal): CallSignal {
  const controller = new AbortController();
  if (parent?.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, release: () => {} };
  }
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ms,
  );
  // like AbortSignal.timeout: a pending call timer must not keep a finished process alive
  timer.unref();
  const follow = parent ? () => controller.abort(parent.reason) : undefined;
  if (follow) parent!.addEventListener('abort', follow, { once: true });
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      if (follow) parent!.removeEventListener('abort', follow);
    },
  };
}
