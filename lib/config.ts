import { z } from 'zod';

/**
 * A mistake in how the process was configured (a setting missing, malformed, or naming a port
 * that is taken). Entry points print it as one line naming the setting and exit 1.
 */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** A TCP port: 0 asks the system for any free one. */
export const portSchema = z.coerce
  .number({ error: 'must be a port number (0-65535; 0 = any free port)' })
  .int('must be a port number (0-65535; 0 = any free port)')
  .min(0, 'must be a port number (0-65535; 0 = any free port)')
  .max(65535, 'must be a port number (0-65535; 0 = any free port)');

/** the gateway→subgraph secret: anyone who knows it can call a subgraph directly */
export const secretSchema = z
  .string({ error: 'is required (the secret the gateway sends to every subgraph)' })
  .min(16, 'must be at least 16 characters');

/** WORKERS: processes serving the port together (node:cluster); 1 runs everything in this one */
export const workersSchema = z.coerce
  .number({ error: 'must be a whole number of processes from 1 to 64' })
  .int('must be a whole number of processes from 1 to 64')
  .min(1, 'must be a whole number of processes from 1 to 64')
  .max(64, 'must be a whole number of processes from 1 to 64');

/** WORKERS from `env`, `fallback` when unset (npm start: one per core; run alone: 1). */
export const workersFromEnv = (fallback: number, env: NodeJS.ProcessEnv = process.env): number =>
  parseEnv({ WORKERS: workersSchema.default(Math.min(64, Math.max(1, fallback))) }, env).WORKERS;

export const httpUrlSchema = z
  .string()
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must be an http(s) URL');

/** An on/off switch: `1`, `true`, `on` or `0`, `false`, `off` (any case). */
export const flagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['1', 'true', 'on', '0', 'false', 'off'], { error: 'must be 1, true, on, 0, false or off' }))
  .transform((v) => v === '1' || v === 'true' || v === 'on');

export type SubgraphTransport = 'local' | 'http';

/**
 * How a gateway calls the subgraphs that run in its own process (`npm start`): `local` hands each
 * request to the subgraph's pipeline without loopback HTTP, `http` goes through its port as a
 * split deployment does. Subgraphs in other processes are always called over HTTP.
 */
export const subgraphTransportSchema = z.enum(['local', 'http'], { error: 'must be local or http' });

/** SUBGRAPH_TRANSPORT from `env`: `local` when unset. */
export const subgraphTransport = (env: NodeJS.ProcessEnv = process.env): SubgraphTransport =>
  parseEnv({ SUBGRAPH_TRANSPORT: subgraphTransportSchema.default('local') }, env).SUBGRAPH_TRANSPORT;

/**
 * Validates `env` against `shape` (one schema per variable; empty strings count as unset) and
 * turns the first problem into a ConfigError naming its variable.
 */
export function parseEnv<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = z.object(shape).safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const setting = String(issue.path[0] ?? 'environment');
  const given = input[setting];
  const message =
    given === undefined && issue.code === 'invalid_type' ? 'is required but not set' : issue.message;
  return raise(
    setting,
    given === undefined || /SECRET|KEY|PASSWORD/.test(setting) ? message : `${message}, got "${given}"`,
  );
}

function raise(setting: string, message: string): never {
  throw new ConfigError(setting, message);
}

/** A port from `env[name]` (0 = any free port), `fallback` when unset. */
export function envPort(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  return parseEnv({ [name]: portSchema.default(fallback) }, env)[name] as number;
}

/** An on/off switch from `env[name]`, `fallback` when unset. */
export function envFlag(name: string, fallback: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return parseEnv({ [name]: flagSchema.default(fallback) }, env)[name] as boolean;
}

/**
 * Turns a failure to listen into a ConfigError naming the setting that chose the port (or the
 * address); anything else is passed through.
 */
export function listenError(err: unknown, setting: string, port: number, host: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE')
    return new ConfigError(
      setting,
      `port ${port} on ${host} is already in use (choose another, or 0 for any free port)`,
    );
  if (code === 'EACCES')
    return new ConfigError(setting, `port ${port} on ${host} needs privileges this process lacks`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new ConfigError('HOST', `${host} is not an address of this machine`);
  return err;
}

/** Runs `fn` with listen failures reported as mistakes in `setting`. */
export async function listening<T>(
  setting: string,
  port: number,
  host: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw listenError(err, setting, port, host);
  }
}

/**
 * Runs a command's start-up: a configuration mistake (or any other failure to start) ends the
 * process with one line on stderr and exit code 1, never a stack trace (LOG_LEVEL=debug or
 * trace adds it, for bugs).
 */
export async function runMain(command: string, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const line =
      e instanceof ConfigError
        ? `${command}: configuration error: ${e.message}`
        : `${command}: cannot start: ${e.message.replace(/\s*\n\s*/g, ' ')}`;
    process.stderr.write(`${line}\n`);
    if (!(e instanceof ConfigError) && /^(debug|trace)$/.test(process.env.LOG_LEVEL ?? ''))
      process.stderr.write(`${e.stack ?? ''}\n`);
    process.exitCode = 1;
    // pending timers or sockets of a half-started server must not keep the process alive
    setTimeout(() => process.exit(1), 200).unref();
  }
}
