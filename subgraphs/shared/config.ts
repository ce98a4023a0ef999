import { envFlag } from '../../lib/config.ts';
import { envInt } from '../../lib/env.ts';
import { defaultHttpOptions } from './http.ts';

/** Deadline, retries, pool size and read sharing of upstream calls, shared by every API client. */
export function httpSettings(env: NodeJS.ProcessEnv = process.env) {
  return {
    timeoutMs: envInt('UPSTREAM_TIMEOUT_MS', defaultHttpOptions.timeoutMs, env),
    retries: envInt('UPSTREAM_READ_RETRIES', defaultHttpOptions.retries, env),
    retryBaseMs: envInt('UPSTREAM_RETRY_BASE_MS', defaultHttpOptions.retryBaseMs, env),
    connections: envInt('UPSTREAM_CONNECTIONS', defaultHttpOptions.connections, env),
    shareReads: envFlag('UPSTREAM_SHARE_READS', defaultHttpOptions.shareReads, env),
  };
}
export type HttpSettings = ReturnType<typeof httpSettings>;
