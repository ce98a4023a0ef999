import type { Request, RequestHandler, Response } from 'express';
import {
  HeaderMap,
  type ApolloServer,
  type BaseContext,
  type ContextFunction,
  type HTTPGraphQLResponse,
} from '@apollo/server';

/**
 * The query string of a request target as Node's legacy `url.parse(target).search` gives it for
 * Apollo Server's GET handling ('?' included, no fragment; '' when there is none). Characters
 * that url.parse escapes are left as sent: URLSearchParams, which reads this, decodes both alike.
 */
export function searchOf(target: string): string {
  const q = target.indexOf('?');
  if (q < 0) return '';
  const hash = target.indexOf('#', q);
  return hash < 0 ? target.slice(q) : target.slice(q, hash);
}

/**
 * A route mounted without a body parser in front: answers 500 (as @as-integrations/express5
 * does) rather than handing Apollo an undefined body. True when it answered.
 */
export function bodyMissing(req: Request, res: Response): boolean {
  if ('body' in req) return false;
  res.status(500);
  res.send(
    '`req.body` is not set; this probably means you forgot to set up the ' +
      '`json` middleware before the Apollo Server middleware.',
  );
  return true;
}

/**
 * Apollo Server as Express 5 middleware: @as-integrations/express5's handler line for line,
 * except the query string, which it read with the legacy url.parse on every request (about 1%
 * of the stack's CPU in the bench profile, gateway and subgraph together).
 */
export function graphqlMiddleware<Ctx extends BaseContext>(
  server: ApolloServer<Ctx>,
  options: { context: ContextFunction<[{ req: Request; res: Response }], Ctx> },
): RequestHandler {
  server.assertStarted('graphqlMiddleware()');
  return async (req, res) => {
    if (bodyMissing(req, res)) return;
    const answer = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method.toUpperCase(),
        headers: headerMapOf(req.headers),
        search: searchOf(req.url),
        body: req.body as unknown,
      },
      context: () => options.context({ req, res }),
    });
    await sendAnswer(res, answer);
  };
}

/** Request headers as Apollo Server takes them (names in lower case, repeated values joined). */
export function headerMapOf(headers: Record<string, string | string[] | undefined>): HeaderMap {
  const map = new HeaderMap();
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) map.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

// Apollo Server's JSON content types, which res.send would set again unchanged
const JSON_ANSWER = new Set([
  'application/json; charset=utf-8',
  'application/graphql-response+json; charset=utf-8',
]);

/** Writes Apollo Server's answer to an Express response. */
export async function sendAnswer(res: Response, answer: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of answer.headers) res.setHeader(key, value);
  res.statusCode = answer.status || 200;
  if (answer.body.kind === 'complete') {
    const body = answer.body.string;
    const type = res.getHeader('content-type');
    // A POST's JSON answer gets the headers and bytes res.send would send, without the ETag it
    // computes for every answer (a SHA-1 of the body) and its content-type re-parsing: no cache or
    // client revalidates a POST, and the two cost ~25 µs a request (an express micro-benchmark
    // here). GET answers, which a client may revalidate (If-None-Match → 304), keep res.send.
    if (
      res.req.method === 'POST' &&
      typeof type === 'string' &&
      JSON_ANSWER.has(type) &&
      ![204, 205, 304].includes(res.statusCode)
    ) {
      res.setHeader('Content-Length', Buffer.byteLength(body));
      res.end(body);
      return;
    }
    res.send(body);
    return;
  }
  const flushable = res as unknown as { flush?: () => void };
  for await (const chunk of answer.body.asyncIterator) {
    res.write(chunk);
    if (typeof flushable.flush === 'function') flushable.flush();
  }
  res.end();
}
