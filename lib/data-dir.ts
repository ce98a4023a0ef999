import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config.ts';

/**
 * The directory of the durable idempotency records (an LMDB file), for the commands that serve
 * subgraphs (`npm start`, `npm run subgraph`): `DATA_DIR`, `./data` when unset, created here so
 * a key used before a restart still replays after it. With REDIS_URL the records are in Redis
 * and no directory is used (nor created: a container may have no writable working directory).
 * Sets `env.DATA_DIR`, which the subgraphs' stores read; returns the absolute path, if any.
 */
export function useDataDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.REDIS_URL) return undefined;
  if (!env.DATA_DIR) env.DATA_DIR = 'data';
  const dir = resolve(env.DATA_DIR);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError('DATA_DIR', `cannot create ${dir} (${code}): set DATA_DIR to a writable directory`);
  }
  return dir;
}
