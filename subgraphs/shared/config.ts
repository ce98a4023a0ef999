import { z } from 'zod';
import { defaultHttpOptions } from './http.ts';

/** Reads a positive integer from the environment, failing loudly on nonsense. */
export function envInt(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const parsed = z.coerce.number().int().nonnegative().safeParse(raw);
  if (!parsed.success) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return parsed.data;
}

/** Deadline, retries and pool size of upstream calls, shared by every API client. */
export function httpSettings(env: NodeJS.ProcessEnv = process.env) {
  return {
    timeoutMs: envInt('UPSTREAM_TIMEOUT_MS', defaultHttpOptions.timeoutMs, env),
    retries: envInt('UPSTREAM_READ_RETRIES', defaultHttpOptions.retries, env),
    retryBaseMs: envInt('UPSTREAM_RETRY_BASE_MS', defaultHttpOptions.retryBaseMs, env),
    connections: envInt('UPSTREAM_CONNECTIONS', defaultHttpOptions.connections, env),
  };
}
export type HttpSettings = ReturnType<typeof httpSettings>;
