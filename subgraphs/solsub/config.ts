import { z } from 'zod';
import { envInt } from '../../lib/env.ts';
import { httpSettings, type HttpSettings } from '../shared/config.ts';

export const SOLSUB_DEFAULT_URL = 'https://api.solsub.online';

export interface SolsubConfig {
  /** base URL, without the route (`https://api.solsub.online`) */
  url: string;
  /** the cluster key used when a request sends no `x-solsub-api-key` ('' = none) */
  apiKey: string;
  /** how long a positive check (paid or trial) is reused across requests; 0 turns the cache off */
  cacheTtlMs: number;
  /** the same for EXPIRED and NOT_FOUND, never longer than cacheTtlMs */
  negativeCacheTtlMs: number;
  /** most distinct Match IDs one GraphQL request may check */
  maxIdsPerRequest: number;
  http: HttpSettings;
}

const UrlSchema = z.url({ protocol: /^https?$/ });

export function solsubConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SolsubConfig {
  const url = env.SOLSUB_URL || SOLSUB_DEFAULT_URL;
  if (!UrlSchema.safeParse(url).success) throw new Error('SOLSUB_URL must be an http(s) URL');
  const cacheTtlMs = envInt('SOLSUB_CACHE_TTL_MS', 10_000, env);
  return {
    url,
    apiKey: env.SOLSUB_API_KEY ?? '',
    cacheTtlMs,
    negativeCacheTtlMs: Math.min(envInt('SOLSUB_NEGATIVE_CACHE_TTL_MS', 2_000, env), cacheTtlMs),
    maxIdsPerRequest: envInt('SOLSUB_MAX_IDS', 100, env),
    http: httpSettings(env),
  };
}
