import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envInt } from '../../lib/env.ts';
import { httpSettings, type HttpSettings } from '../shared/config.ts';

// Provider ids name a header (x-smm-key-<id>), so they must be header-safe.
const ProviderSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'provider id: lower-case letters, digits, "-" and "_"'),
  url: z.url({ protocol: /^https?$/ }),
  key: z.string().default(''),
  encoding: z.enum(['form', 'json', 'query']).default('form'),
  currency: z.string().optional(),
  name: z.string().optional(),
  userAgent: z.string().optional(),
});
export type ProviderConfig = z.infer<typeof ProviderSchema>;

const ProvidersSchema = z
  .array(ProviderSchema)
  .refine((ps) => new Set(ps.map((p) => p.id)).size === ps.length, 'provider ids must be unique');

// Some panels block unknown agents; well-known clients send an old browser agent for that reason.
export const DEFAULT_USER_AGENT = 'Mozilla/4.0 (compatible; MSIE 5.01; Windows NT 5.0)';

export interface SmmConfig {
  providers: ProviderConfig[];
  servicesTtlMs: number;
  /** most order or refill ids one GraphQL request may ask a provider for */
  maxIdsPerRequest: number;
  http: HttpSettings;
}

export function parseProviders(json: string): ProviderConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('SMM_PROVIDERS is not valid JSON');
  }
  const parsed = ProvidersSchema.safeParse(raw);
  if (!parsed.success) {
    // never echo the input: it holds API keys
    throw new Error(
      `SMM_PROVIDERS is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

export function smmConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SmmConfig {
  const json = env.SMM_PROVIDERS_FILE
    ? readFileSync(env.SMM_PROVIDERS_FILE, 'utf8')
    : (env.SMM_PROVIDERS ?? '[]');
  return {
    providers: parseProviders(json),
    servicesTtlMs: envInt('SMM_SERVICES_TTL_MS', 5 * 60_000, env),
    maxIdsPerRequest: envInt('SMM_MAX_IDS', 1000, env),
    http: httpSettings(env),
  };
}
