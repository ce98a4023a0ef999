import type { IncomingMessage, ServerResponse } from 'node:http';
export interface CorsSettings {
  /** exact origins (`https://app.example.com`); `*` lets any origin in, without credentials */
  origins: string[];
  /** request headers allowed besides the plain ones (each subgraph's credential headers) */
  allowHeader?: (name: string) => boolean;
}

/** CORS_ORIGINS: a comma-separated list of origins; none by default (no CORS headers at all). */
export function corsFromEnv(env: NodeJS.ProcessEnv): CorsSettings {
  const origins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const o of origins) {
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o))
      throw new Error(`CORS_ORIGINS: "${o}" is not an origin (scheme://host[:port], or *)`);
  }
  return { origins };
}

export const CORS_METHODS = 'GET, POST, OPTIONS';
const MAX_AGE_S = '600';

// What an app may send: GraphQL's own headers, Apollo's CSRF preflight header, the gateway's API
// key, request ids, a shorter request deadline, W3C trace context, and each subgraph's per-request credential headers.
const PLAIN_HEADERS = new Set([
  'content-type',
  'accept',
  'authorization',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
  'x-request-deadline-ms',
  'traceparent',
  'tracestate',
]);

/**
 * Answers CORS for one request over node's req/res (any framework). Returns true when it has
 * answered the request (a preflight), false when the request goes on. Listed origins get their
 * own origin back with credentials allowed; `*` gets `*` and never credentials (browsers refuse
 * the pair). An origin not listed gets no CORS header, and its preflight a 403 that says why.
 */
export function handleCors(settings: CorsSettings, req: IncomingMessage, res: ServerResponse): boolean {
  if (settings.origins.length === 0) return false;
  const origin = req.headers.origin;
  res.appendHeader('vary', 'Origin');
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (typeof origin !== 'string') return false;
  const listed = settings.origins.includes(origin);
  const any = settings.origins.includes('*');
  if (!listed && !any) {
    if (!preflight) return false;
    res.writeHead(403, { 'content-type': 'text/plain' }).end(`Origin ${origin} is not in CORS_ORIGINS\n`);
    return true;
  }
  res.setHeader('access-control-allow-origin', listed ? origin : '*');
  if (listed) res.setHeader('access-control-allow-credentials', 'true');
  if (!preflight) {
    res.setHeader('access-control-expose-headers', 'x-request-id');
    return false;
  }
  res.appendHeader('vary', 'Access-Control-Request-Method');
  res.appendHeader('vary', 'Access-Control-Request-Headers');
  const method = String(req.headers['access-control-request-method']).toUpperCase();
  const asked = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const refused = asked.filter((h) => !PLAIN_HEADERS.has(h) && !settings.allowHeader?.(h));
  if (!CORS_METHODS.split(', ').includes(method) || refused.length) {
    res
      .writeHead(403, { 'content-type': 'text/plain' })
      .end(
        `CORS preflight refused: ${refused.length ? `header(s) ${refused.join(', ')} not allowed` : `method ${method} not allowed`}\n`,
      );
    return true;
  }
  res.writeHead(204, {
    'access-control-allow-methods': CORS_METHODS,
    'access-control-allow-headers': asked.join(', '),
    'access-control-max-age': MAX_AGE_S,
    'content-length': '0',
  });
  res.end();
  return true;
}
