import type { ErrorRequestHandler, RequestHandler } from 'express';
import { logger } from './logger.ts';
import { rejectedRequests } from './metrics.ts';

/** The one shape every HTTP-level refusal has, gateway and subgraphs alike (a GraphQL response). */
const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/**
 * JSON answers for what the body parser refuses and for anything else that reaches express's
 * error handling: express's own handler sends an HTML page, with a stack trace outside production.
 */
export function jsonErrors(maxBodyBytes: number): ErrorRequestHandler {
  return (err: { type?: string; status?: number }, _req, res, next) => {
    if (res.headersSent) return next(err);
    let status = 500;
    let code = 'INTERNAL_SERVER_ERROR';
    let message = 'The request could not be read';
    if (err.type === 'entity.too.large') {
      rejectedRequests.inc({ reason: 'body_too_large' });
      status = 413;
      code = 'PAYLOAD_TOO_LARGE';
      message = `The request body is larger than the limit of ${maxBodyBytes} bytes`;
    } else if (err.type === 'entity.parse.failed') {
      status = 400;
      code = 'BAD_REQUEST';
      message = 'The request body is not valid JSON';
    } else if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      status = err.status;
      code = 'BAD_REQUEST';
    } else {
      logger.error({ err }, 'request failed outside GraphQL');
    }
    res.status(status).json(errorBody(message, code));
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
