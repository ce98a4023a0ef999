import type { ErrorRequestHandler, RequestHandler } from 'express';
import { logger } from './logger.ts';
import { rejectedRequests } from './metrics.ts';

/** The one shape every HTTP-level refusal has, gateway and subgraphs alike (a GraphQL response). */
const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/**
 * The answer to a body over the limit (express.json's 413), counted as a rejected request: the
 * same over HTTP and for a subgraph called in-process.
 */
export function bodyTooLarge(maxBodyBytes: number): { status: number; body: string } {
  rejectedRequests.inc({ reason: 'body_too_large' });
  return {
    status: 413,
    body: JSON.stringify(
      errorBody(`The request body is larger than the limit of ${maxBodyBytes} bytes`, 'PAYLOAD_TOO_LARGE'),
    ),
  };
}

/** The answer to a body that is not a JSON object or array (express.json's 400). */
export const bodyNotJson = (): { status: number; body: string } => ({
  status: 400,
  body: JSON.stringify(errorBody('The request body is not valid JSON', 'BAD_REQUEST')),
});

/** The answer to a request that failed outside GraphQL (a bug): logged, and nothing of it sent. */
export function requestFailed(err: unknown): { status: number; body: string } {
  logger.error({ err }, 'request failed outside GraphQL');
  return {
    status: 500,
    body: JSON.stringify(errorBody('The request could not be read', 'INTERNAL_SERVER_ERROR')),
  };
}

/**
 * JSON answers for what the body parser refuses and for anything else that reaches express's
 * error handling: express's own handler sends an HTML page, with a stack trace outside production.
 */
export function jsonErrors(maxBodyBytes: number): ErrorRequestHandler {
  return (err: { type?: string; status?: number }, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err.type === 'entity.too.large' || err.type === 'entity.parse.failed') {
      const refusal = err.type === 'entity.too.large' ? bodyTooLarge(maxBodyBytes) : bodyNotJson();
      res.status(refusal.status).type('application/json').send(refusal.body);
      return;
    }
    if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      res.status(err.status).json(errorBody('The request could not be read', 'BAD_REQUEST'));
      return;
    }
    const failed = requestFailed(err);
    res.status(failed.status).type('application/json').send(failed.body);
  };
}

/** A JSON 404 for every path nobody serves (express's default is an HTML page). */
export const jsonNotFound: RequestHandler = (req, res) => {
  res.status(404).json(errorBody(`Nothing is served at ${req.method} ${echo(req.path)}`, 'NOT_FOUND'));
};

/** At most this much of anything a caller sent is repeated back in a message. */
export const ECHO_MAX = 64;

/** A caller's text as messages may repeat it: its first ECHO_MAX characters, then "…". */
export const echo = (s: string): string => (s.length > ECHO_MAX ? `${s.slice(0, ECHO_MAX)}…` : s);

/** Longest message sent to a caller; layer messages are far shorter, so only echoes are cut. */
const MESSAGE_MAX = 1000;

// graphql-js words suggestions as `Did you mean "a"?`, `Did you mean "a" or "b"?` and, for enum
// values, `Did you mean the enum value "A"?`; graphql-armor's mask only knows the field form.
const SUGGESTION = /\s*Did you mean [^?]*\?/g;
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/**
 * A message as it may leave the process: every quoted caller text (a field, argument, variable
 * or enum name, a literal value) cut to its first ECHO_MAX characters, the whole message capped,
 * and, in production, every "Did you mean …?" hint removed (it maps the schema for a stranger).
 */
export function publicMessage(message: string, production: boolean): string {
  let m = production ? message.replace(SUGGESTION, '') : message;
  m = m.replace(QUOTED, (whole, inner: string) => (inner.length > ECHO_MAX ? `"${echo(inner)}"` : whole));
  return m.length > MESSAGE_MAX ? `${m.slice(0, MESSAGE_MAX)}…` : m;
}
