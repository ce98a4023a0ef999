import { z } from 'zod';
import { ConfigError } from './config.ts';

/** Reads a positive integer from the environment, failing loudly on nonsense. */
export function envInt(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const parsed = z.coerce.number().int().nonnegative().safeParse(raw);
  if (!parsed.success) throw new ConfigError(name, `must be a non-negative integer, got "${raw}"`);
  return parsed.data;
}
