import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Deadline } from './deadline.ts';
import type { ResultHandover } from './in-process.ts';

/** What every log line of one request carries, gateway → subgraph → upstream call. */
export interface RequestScope {
  requestId: string;
  /** set where the server started one (startDeadline): upstream calls fit in it */
  deadline?: Deadline;
  /** a subgraph request called in-process: its GraphQL result is handed over here, not written */
  handover?: ResultHandover;
}

const store = new AsyncLocalStorage<RequestScope>();

export const currentRequestId = (): string | undefined => store.getStore()?.requestId;

export const currentDeadline = (): Deadline | undefined => store.getStore()?.deadline;

export const currentHandover = (): ResultHandover | undefined => store.getStore()?.handover;

/** Runs `fn` inside a scope of its own (tests, and callers outside an HTTP request). */
export const runInScope = <T>(scope: RequestScope, fn: () => T): T => store.run(scope, fn);

const VALID_ID = /^[\w.-]{1,64}$/;

/** The caller's x-request-id when it is a plain token, a fresh UUID otherwise. */
export function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === 'string' && VALID_ID.test(given) ? given : randomUUID();
}

/** Names the request (res.locals.requestId) and echoes the id back, before anything can refuse it. */
export function assignRequestId(req: Request, res: Response, next: NextFunction): void {
  const id = requestIdOf(req.headers['x-request-id']);
  res.locals.requestId = id;
  res.setHeader('x-request-id', id);
  next();
}

/**
 * Enters the request's scope. Mount it after the body parser: stream callbacks run in the
 * socket's async context, so a scope entered before the body is read would be lost.
 */
export function enterRequestScope(_req: Request, res: Response, next: NextFunction): void {
  const id = typeof res.locals.requestId === 'string' ? res.locals.requestId : randomUUID();
  const deadline = res.locals.deadline instanceof Deadline ? res.locals.deadline : undefined;
  store.run({ requestId: id, deadline }, next);
}
