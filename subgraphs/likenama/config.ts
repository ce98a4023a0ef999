import { z } from 'zod';
import { httpSettings, type HttpSettings } from '../shared/config.ts';

// Both versions end up inside the User-Agent header: no spaces or control characters.
const Version = z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'letters, digits, ".", "_" and "-" only');

export interface LikenamaConfig {
  /** base URL of the Likenama server (the API paths /api/... are below it) */
  url: string;
  /** sent as `User-Agent: Likenama/<appVersion> Android/<androidVersion>` */
  appVersion: string;
  androidVersion: string;
  http: HttpSettings;
}

export function likenamaConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LikenamaConfig {
  const url = z.url({ protocol: /^https?$/ }).safeParse(env.LIKENAMA_URL);
  if (!url.success) throw new Error('LIKENAMA_URL must be the http(s) base URL of the Likenama server');
  const version = (name: string, fallback: string) => {
    const parsed = Version.safeParse(env[name] || fallback);
    if (!parsed.success) throw new Error(`${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  };
  return {
    url: url.data,
    appVersion: version('LIKENAMA_APP_VERSION', '1.0.0'),
    androidVersion: version('LIKENAMA_ANDROID_VERSION', '10'),
    http: httpSettings(env),
  };
}
