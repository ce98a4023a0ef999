import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** What every log line of one request carries, gateway → subgraph → upstream call. */
export interface RequestScope {
  requestId: string;
}

const store = new AsyncLocalStorage<RequestScope>();

export const currentRequestId = (): string | undefined => store.getStore()?.requestId;

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
  store.run({ requestId: id }, next);
}
