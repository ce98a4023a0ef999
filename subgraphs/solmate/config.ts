import { z } from 'zod';
import { envInt } from '../../lib/env.ts';
import { httpSettings, type HttpSettings } from '../shared/config.ts';

export const DEFAULT_SOLMATE_URL = 'https://api.solmate.cc/v2';

/** The seed's parameter table names `districts`; its own update example sends `district`. */
export type DistrictsKey = 'districts' | 'district';

export interface SolmateConfig {
  /** base URL ending in /v2 */
  url: string;
  /** server-side default account; a caller's x-solmate-authorization header overrides it */
  user: string;
  password: string;
  /** the key the update call sends the districts under */
  updateDistrictsKey: DistrictsKey;
  /** per-id reads one request runs at the same time (there is no batch endpoint) */
  concurrency: number;
  /** most order ids one GraphQL request may ask for */
  maxIdsPerRequest: number;
  http: HttpSettings;
}

export function solmateConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SolmateConfig {
  const url = env.SOLMATE_URL || DEFAULT_SOLMATE_URL;
  if (!z.url({ protocol: /^https?$/ }).safeParse(url).success) {
    throw new Error('SOLMATE_URL must be an http(s) URL such as https://api.solmate.cc/v2');
  }
  const key = env.SOLMATE_UPDATE_DISTRICTS_KEY || 'districts';
  if (key !== 'districts' && key !== 'district') {
    throw new Error(`SOLMATE_UPDATE_DISTRICTS_KEY must be "districts" or "district", got "${key}"`);
  }
  const concurrency = envInt('SOLMATE_CONCURRENCY', 8, env);
  if (concurrency < 1) throw new Error('SOLMATE_CONCURRENCY must be at least 1');
  return {
    url,
    user: env.SOLMATE_USER ?? '',
    password: env.SOLMATE_PASSWORD ?? '',
    updateDistrictsKey: key,
    concurrency,
    maxIdsPerRequest: envInt('SOLMATE_MAX_IDS', 100, env),
    http: httpSettings(env),
  };
}
