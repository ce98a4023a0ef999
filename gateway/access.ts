import type { NextFunction, Request, Response } from 'express';
import { logger } from '../lib/logger.ts';
import { rejectedRequests } from '../lib/metrics.ts';
import { secretMatches } from '../lib/secret.ts';
import type { StackPart } from '../stack/part.ts';
import { parts } from '../stack/parts/index.ts';
import { ConfigError } from '../lib/config.ts';

export interface AccessSettings {
  /** GATEWAY_API_KEYS: callers must send one as `Authorization: Bearer <key>`; none = open */
  keys: string[];
  /** GATEWAY_ALLOW_UNAUTHENTICATED=1: serve without keys on a public address anyway */
  allowUnauthenticated: boolean;
}

export function accessSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AccessSettings {
  const keys = (env.GATEWAY_API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const short = keys.find((k) => k.length < 16);
  if (short !== undefined)
    throw new ConfigError('GATEWAY_API_KEYS', 'every key must be at least 16 characters');
  return { keys, allowUnauthenticated: env.GATEWAY_ALLOW_UNAUTHENTICATED === '1' };
}

/**
 * Names of the server-side upstream credentials configured in `env` (the operator's environment,
 * before emulators add their demo ones), asked of every registered API: with any of them, an open
 * gateway spends someone's money.
 */
export function serverSideCredentials(
  env: NodeJS.ProcessEnv,
  apis: ReadonlyArray<Pick<StackPart<string>, 'serverCredentials'>> = parts,
): string[] {
  return apis.flatMap((api) => api.serverCredentials(env));
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Refuses to serve an open gateway on a non-loopback address when server-side credentials are
 * configured, unless the operator opted out explicitly (then says so loudly on every start).
 */
export function checkExposure(host: string, access: AccessSettings, credentials: string[]): void {
  if (access.keys.length > 0 || isLoopback(host) || credentials.length === 0) return;
  if (!access.allowUnauthenticated) {
    throw new ConfigError(
      'GATEWAY_API_KEYS',
      `Refusing to start: the gateway would listen on ${host} without access control while server-side ` +
        `upstream credentials are configured (${credentials.join(', ')}). Set GATEWAY_API_KEYS ` +
        '(comma-separated; callers send "Authorization: Bearer <key>"), listen on 127.0.0.1, or set ' +
        'GATEWAY_ALLOW_UNAUTHENTICATED=1 to accept that anyone who can reach it spends those accounts.',
    );
  }
  logger.warn(
    { host, credentials, GATEWAY_ALLOW_UNAUTHENTICATED: '1' },
    'SECURITY: the gateway is OPEN: anyone who can reach it uses the configured upstream accounts ' +
      '(GATEWAY_ALLOW_UNAUTHENTICATED=1, no GATEWAY_API_KEYS)',
  );
}

/** Whether an `Authorization: Bearer <key>` header carries one of `keys`, in constant time. */
export function bearerMatches(header: string | undefined, keys: string[]): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  const given = m?.[1];
  let ok = false;
  // compare against every key: which key matched, and how early, must not show in the timing
  for (const key of keys) ok = secretMatches(given ?? '', key) || ok;
  return given !== undefined && ok;
}

/** Apollo Sandbox's landing page: a browser's plain GET without an operation. */
const isLandingPage = (req: Request) =>
  req.method === 'GET' &&
  (req.headers.accept ?? '').includes('text/html') &&
  req.query.query === undefined &&
  req.query.extensions === undefined;

/**
 * Refuses (401, before the body is read and before any subgraph is called) every operation
 * without a valid key. The landing page stays reachable so Sandbox can ask for the key.
 */
export function requireApiKey(keys: string[], opts: { allowLandingPage?: boolean } = {}) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (keys.length === 0) return next();
    if (opts.allowLandingPage && isLandingPage(req)) return next();
    if (bearerMatches(req.headers.authorization, keys)) return next();
    rejectedRequests.inc({ reason: 'unauthenticated' });
    res
      .status(401)
      .set('www-authenticate', 'Bearer realm="gateway"')
      .json({
        errors: [
          {
            message: 'This gateway needs an API key: send "Authorization: Bearer <key>"',
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      });
  };
}
