// WORKERS > 1: several processes serve one port (node:cluster). The primary forks them, restarts
// one that dies (with backoff; it gives up and exits 1 when they keep dying), drains them all on
// SIGTERM, and answers /metrics for every worker: a scrape lands on one worker, which asks the
// primary, which sums what every worker reports.
import cluster, { type Worker } from 'node:cluster';
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';
import { logger } from './logger.ts';
import { metricsRegistry } from './metrics.ts';

type Message =
  | { type: 'stack:ready'; url: string }
  /** worker → primary: the metrics of every worker, for a scrape */
  | { type: 'stack:metrics?'; id: number }
  | { type: 'stack:metrics'; id: number; text?: string; error?: string }
  /** primary → worker: this worker's own metrics */
  | { type: 'stack:collect'; id: number }
  | { type: 'stack:collected'; id: number; metrics: MetricObjectWithValues<MetricValue<string>>[] };

const isMessage = (m: unknown): m is Message =>
  typeof m === 'object' && m !== null && String((m as { type?: unknown }).type).startsWith('stack:');

const workerRestarts = new Counter({
  name: 'cluster_worker_restarts_total',
  help: 'Workers (WORKERS > 1) started again after one died',
  registers: [metricsRegistry],
});

const workersReady = new Gauge({
  name: 'cluster_workers_ready',
  help: 'Workers (WORKERS > 1) answering on the shared port',
  registers: [metricsRegistry],
});

/** `{ worker, pid }` in a cluster worker (which of them answered), nothing otherwise. */
export function workerIdentity(): { worker?: number; pid?: number } {
  return cluster.isWorker ? { worker: cluster.worker!.id, pid: process.pid } : {};
}

// ---- worker side ----

let metricsSeq = 0;
const metricsWaiters = new Map<number, (m: Extract<Message, { type: 'stack:metrics' }>) => void>();

if (cluster.isWorker) {
  process.on('message', (m: unknown) => {
    if (!isMessage(m)) return;
    if (m.type === 'stack:collect') {
      void metricsRegistry.getMetricsAsJSON().then(
        (metrics) => process.send?.({ type: 'stack:collected', id: m.id, metrics } satisfies Message),
        () => process.send?.({ type: 'stack:collected', id: m.id, metrics: [] } satisfies Message),
      );
    } else if (m.type === 'stack:metrics') {
      metricsWaiters.get(m.id)?.(m);
    }
  });
}

/**
 * The text of /metrics: in a cluster worker, the sum over every worker (and the primary's own
 * counters), so a scrape means the same whichever worker answers it; otherwise this process's.
 */
export async function metricsText(timeoutMs = 5_000): Promise<string> {
  if (!cluster.isWorker || !process.connected) return metricsRegistry.metrics();
  const id = ++metricsSeq;
  try {
    const answer = await new Promise<Extract<Message, { type: 'stack:metrics' }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the primary did not answer for metrics')), timeoutMs);
      metricsWaiters.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      process.send!({ type: 'stack:metrics?', id } satisfies Message);
    });
    if (answer.text === undefined) throw new Error(answer.error ?? 'no metrics');
    return answer.text;
  } finally {
    metricsWaiters.delete(id);
  }
}

/** In a cluster worker: tells the primary this worker now serves `url`. */
export function reportReady(url: string): void {
  if (cluster.isWorker) process.send?.({ type: 'stack:ready', url } satisfies Message);
}

// ---- primary side ----

/**
 * glibc gives each thread that allocates (libuv's pool, V8's platform threads, lmdb's) an arena
 * of its own, up to 8 per core, and keeps what was freed in each. With two arenas the soak's
 * WORKERS=2 peaked 10-28 MiB lower in PSS summed over the processes (four pairs, each against
 * glibc's default of 16 in the same batch), at no throughput seen. The primary's own setting
 * wins; musl and other libcs ignore the variable. It has to be in the environment when the process
 * starts, so the primary and `WORKERS=1` keep what they were started with.
 */
const workerMallocEnv = (): Record<string, string> =>
  process.env.MALLOC_ARENA_MAX === undefined ? { MALLOC_ARENA_MAX: '2' } : {};

/**
 * When workers die: restart after a backoff that doubles with each death in the window, and give
 * up (the primary exits 1, its orchestrator takes over) past `limit` deaths in `windowMs`.
 */
export interface CrashPolicy {
  limit: number;
  windowMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_CRASH_POLICY: CrashPolicy = {
  limit: 5,
  windowMs: 60_000,
  firstDelayMs: 250,
  maxDelayMs: 10_000,
};

/**
 * What to do after a death at `now`, given the times of earlier ones (pruned in place to the
 * window): restart after `delayMs`, or give up.
 */
export function afterCrash(
  deaths: number[],
  now: number,
  policy: CrashPolicy = DEFAULT_CRASH_POLICY,
): { restartInMs: number } | 'give up' {
  deaths.push(now);
  while (deaths.length && deaths[0]! <= now - policy.windowMs) deaths.shift();
  if (deaths.length > policy.limit) return 'give up';
  return { restartInMs: Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (deaths.length - 1)) };
}

export interface SupervisorOptions {
  workers: number;
  /** set in every worker's environment (URLs of what the primary runs, the shared secret) */
  env: Record<string, string>;
  /** SIGTERM: how long every worker gets to drain */
  graceMs: number;
  /** runs once every worker has stopped (what the primary itself serves: the emulators) */
  afterStop?: () => Promise<void>;
  crashPolicy?: CrashPolicy;
}

/**
 * Forks the workers (the first alone, so a configuration mistake is reported once, then the
 * rest) and resolves with the URL they serve once every one answers. A worker that fails
 * during start-up has already printed why: the primary stops the others and exits with its
 * code. Afterwards it supervises: restarts, SIGTERM/SIGINT, metrics.
 */
export async function superviseWorkers(opts: SupervisorOptions): Promise<{ url: string }> {
  const policy = opts.crashPolicy ?? DEFAULT_CRASH_POLICY;
  const ready = new Map<number, Worker>();
  const deaths: number[] = [];
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  let collectSeq = 0;
  const collecting = new Map<number, (metrics: MetricObjectWithValues<MetricValue<string>>[]) => void>();

  const aggregate = async (): Promise<string> => {
    const targets = [...ready.values()].filter((w) => w.isConnected());
    const id = ++collectSeq;
    const got: MetricObjectWithValues<MetricValue<string>>[][] = [];
    // a worker that does not answer in time (busy, dying) is left out of this scrape
    await new Promise<void>((resolve) => {
      let left = targets.length;
      if (left === 0) return resolve();
      const timer = setTimeout(resolve, 2_000);
      collecting.set(id, (metrics) => {
        got.push(metrics);
        if (--left === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      for (const w of targets) w.send({ type: 'stack:collect', id } satisfies Message);
    });
    collecting.delete(id);
    got.push(await metricsRegistry.getMetricsAsJSON());
    return AggregatorRegistry.aggregate(got).metrics();
  };

  cluster.on('message', (worker, m: unknown) => {
    if (!isMessage(m)) return;
    if (m.type === 'stack:collected') collecting.get(m.id)?.(m.metrics);
    else if (m.type === 'stack:metrics?')
      void aggregate().then(
        (text) => worker.send({ type: 'stack:metrics', id: m.id, text } satisfies Message),
        (err: unknown) =>
          worker.send({ type: 'stack:metrics', id: m.id, error: (err as Error).message } satisfies Message),
      );
  });

  const fork = () =>
    new Promise<{ worker: Worker; url: string }>((resolve, reject) => {
      const worker = cluster.fork({ ...workerMallocEnv(), ...opts.env });
      const onMessage = (m: unknown) => {
        if (!isMessage(m) || m.type !== 'stack:ready') return;
        worker.off('exit', onExit);
        worker.off('message', onMessage);
        ready.set(worker.id, worker);
        workersReady.set(ready.size);
        resolve({ worker, url: m.url });
      };
      const onExit = (code: number | null, signal: string | null) => {
        worker.off('message', onMessage);
        reject(Object.assign(new Error('worker exited during start-up'), { code, signal }));
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
    });

  const stop = async (exitCode: number, graceMs: number) => {
    phase = 'stopping';
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const exits = live.map(
      (w) =>
        new Promise<boolean>((resolve) => {
          if (w.isDead()) return resolve(w.process.exitCode === 0);
          w.once('exit', (code) => resolve(code === 0));
        }),
    );
    for (const w of live) if (!w.isDead()) w.process.kill('SIGTERM');
    // each worker exits 1 by itself when its drain hangs past the grace period; this is for one
    // that cannot even do that
    const hard = setTimeout(() => {
      logger.error({ graceMs }, 'workers did not stop in time: killing them');
      for (const w of live) if (!w.isDead()) w.process.kill('SIGKILL');
    }, graceMs + 6_000).unref();
    const clean = (await Promise.all(exits)).every(Boolean);
    clearTimeout(hard);
    await opts.afterStop?.().catch((err: unknown) => logger.error({ err }, 'stopping failed'));
    if (!clean) logger.error('a worker did not stop cleanly');
    process.exit(clean ? exitCode : 1);
  };

  let url: string;
  try {
    ({ url } = await fork());
    await Promise.all(Array.from({ length: opts.workers - 1 }, fork));
  } catch (err) {
    // the worker printed why (one line for a configuration mistake): nothing to add here
    await stop(1, 0);
    throw err;
  }
  phase = 'running';

  cluster.on('exit', (worker, code, signal) => {
    const wasReady = ready.delete(worker.id);
    workersReady.set(ready.size);
    if (phase !== 'running') return;
    const next = afterCrash(deaths, Date.now(), policy);
    const who = { worker: worker.id, pid: worker.process.pid, code, signal, ready: wasReady };
    if (next === 'give up') {
      logger.error(
        { ...who, deaths: deaths.length, windowMs: policy.windowMs },
        'workers keep dying: stopping (exit 1)',
      );
      void stop(1, opts.graceMs);
      return;
    }
    logger.error({ ...who, restartInMs: next.restartInMs }, 'worker died: starting another');
    // not unref'd: with every worker dead, this timer is what keeps the primary alive
    setTimeout(() => {
      if (phase !== 'running') return;
      fork().then(
        ({ worker: w }) => {
          workerRestarts.inc();
          logger.info({ worker: w.id, pid: w.process.pid }, 'worker restarted');
        },
        // its exit is counted by this same handler
        () => undefined,
      );
    }, next.restartInMs);
  });

  const onSignal = (signal: NodeJS.Signals) => {
    if (phase === 'stopping') return;
    logger.info(
      { signal, graceMs: opts.graceMs, workers: ready.size },
      'shutting down: draining every worker',
    );
    void stop(0, opts.graceMs);
  };
  // as exitOnSignals: a repeated SIGTERM (one for every process of the group) is ignored
  process.on('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { url };
}
