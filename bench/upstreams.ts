// The bench's upstreams, where they run: inside the bench process with the stack (the stack's
// own emulators, the default) or in a child process of their own (BENCH_UPSTREAMS=process), as
// real upstreams are. In a process of their own they take neither the stack's event loop nor its
// CPU time, so "stack CPU ms/op" is then the layer alone.
import { fork, type ChildProcess } from 'node:child_process';
import type { Emulator } from '../emulators/shared/emulator.ts';
import type { SmmEmulator } from '../emulators/smm/index.ts';
import type { Stack } from '../stack/index.ts';

export type UpstreamsWhere = 'in-process' | 'process';

export function upstreamsWhere(env: NodeJS.ProcessEnv = process.env): UpstreamsWhere {
  const v = env.BENCH_UPSTREAMS ?? 'in-process';
  if (v !== 'in-process' && v !== 'process')
    throw new Error(`BENCH_UPSTREAMS must be in-process or process, got "${v}"`);
  return v;
}

/** What the bench does to its upstreams: count and forget their calls, slow them, seed orders. */
export interface Upstreams {
  readonly where: UpstreamsWhere;
  /** base URL of the SMM emulator (the REST reference calls go straight to it) */
  smmUrl(): string;
  /** requests each emulator received since the last clear (emulators that received none left out) */
  received(): Promise<Record<string, number>>;
  clear(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  /** `n` fresh orders on the sosyal panel, their ids */
  seedSmmOrders(n: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Seeds `n` orders on an in-process SMM emulator's sosyal panel. */
export function seedOn(emulator: Emulator | undefined, n: number): string[] {
  const panel = (emulator as SmmEmulator | undefined)?.panels.get('sosyal');
  if (!panel) throw new Error('the SMM emulator (sosyal panel) is not running in this process');
  return Array.from({ length: n }, () => String(panel.seedOrder(1, 100)));
}

/** The emulators the stack started in this process. */
export function inProcessUpstreams(stack: Stack): Upstreams {
  const all = () => Object.entries(stack.emulators) as Array<[string, Emulator]>;
  return {
    where: 'in-process',
    smmUrl() {
      const emu = stack.emulators.smm;
      if (!emu) throw new Error('the SMM emulator is not running');
      return emu.url;
    },
    async received() {
      return Object.fromEntries(
        all()
          .filter(([, e]) => e.received > 0)
          .map(([n, e]) => [n, e.received]),
      );
    },
    async clear() {
      for (const [, e] of all()) e.clearRequests();
    },
    async setLatency(ms) {
      for (const [, e] of all()) e.latencyMs = ms;
    },
    async seedSmmOrders(n) {
      return seedOn(stack.emulators.smm, n);
    },
    async close() {},
  };
}

/** A request to the child and its answer (see upstreams-child.ts). */
export type UpstreamsRequest =
  | { id: number; op: 'received' }
  | { id: number; op: 'clear' }
  | { id: number; op: 'latency'; ms: number }
  | { id: number; op: 'seed'; n: number };
export type UpstreamsAnswer =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
export interface UpstreamsReady {
  ready: true;
  /** the variables that point each subgraph at its emulator (URLs and demo credentials) */
  env: Record<string, string>;
  urls: Record<string, string>;
}

/**
 * Every registered API's emulator in a child process (under tsx: its CPU is not the stack's),
 * driven over the IPC channel. Resolves once they all listen.
 */
export async function childUpstreams(): Promise<Upstreams & { env: Record<string, string> }> {
  const child: ChildProcess = fork(new URL('./upstreams-child.ts', import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<UpstreamsReady>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`the upstreams process exited (${code}) before it was ready`)),
    );
    child.once('message', (m) => resolve(m as UpstreamsReady));
  });
  child.removeAllListeners('exit');
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: UpstreamsAnswer) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.resolve(m.value);
    else w?.reject(new Error(`upstreams process: ${m.error}`));
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`the upstreams process exited (${code})`));
    waiting.clear();
  });
  let next = 0;
  const ask = <T>(
    req: UpstreamsRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...req, id });
    });
  return {
    where: 'process',
    env: ready.env,
    smmUrl() {
      const url = ready.urls.smm;
      if (!url) throw new Error('the SMM emulator is not running');
      return url;
    },
    received: () => ask<Record<string, number>>({ op: 'received' }),
    clear: () => ask<void>({ op: 'clear' }),
    setLatency: (ms) => ask<void>({ op: 'latency', ms }),
    seedSmmOrders: (n) => ask<string[]>({ op: 'seed', n }),
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
