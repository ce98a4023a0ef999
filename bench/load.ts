import { readFileSync } from 'node:fs';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HttpCall, Op } from './ops.ts';

/** A measurement: one request hammered by autocannon, or a client operation timed end to end. */
export type LoadJob =
  | {
      kind: 'autocannon';
      call: HttpCall;
      connections: number;
      durationS: number;
      warmupS: number;
      /** a fixed number of requests instead of a duration (smoke runs: every row gets figures) */
      amount?: number;
    }
  | {
      kind: 'ops';
      op: Op;
      /** operations in flight at once */
      concurrency: number;
      durationS: number;
      warmupS: number;
      /** keep going past durationS until this many operations were timed */
      minSamples: number;
    };

export interface LoadResult {
  tool: 'autocannon' | 'driver';
  /** timed requests (autocannon) or operations (driver) */
  samples: number;
  /** requests or operations of the warm-up (not timed) */
  warmupSamples: number;
  /** requests or operations started, warm-up included (autocannon drops those in flight at the end) */
  sent: number;
  elapsedS: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** requests (autocannon) or operations (driver) per second */
  rps: number;
  /** transport errors and timeouts */
  errors: number;
  /** answers that were not the expected status, or GraphQL bodies with errors */
  bad: number;
  /**
   * CPU time the main thread (the whole stack) spent per request or operation, in ms: unlike
   * latency it hardly moves when other processes compete for the cores (Linux only)
   */
  cpuMsPerOp?: number;
}

/**
 * CPU time of this process's main thread so far (ms), or undefined off Linux. schedstat's
 * first field is the scheduler's exact run time; the tick-sampled utime/stime of `stat` would
 * overcount a thread that wakes on a timer in step with the tick (20 ms emulator latency does).
 */
export function mainThreadCpuMs(): number | undefined {
  try {
    const schedstat = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8');
    const ns = Number(schedstat.split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

const WORKER_PATH = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

type WorkerReply = { ready?: true; result?: LoadResult; error?: string };

/**
 * A child process that runs measurements, so the load generator shares neither the event loop
 * nor the memory of the stack it measures (the stack runs in this process's main thread, and
 * RSS readings of this process are then the stack's alone).
 */
export class LoadWorker {
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private pending?: { resolve: (r: LoadResult) => void; reject: (e: Error) => void };

  private start(): Promise<void> {
    // resolved here, so the child finds tsx wherever it is started from
    const tsx = import.meta.resolve?.('tsx') ?? 'tsx';
    const child = fork(WORKER_PATH, [], {
      execArgv: ['--import', tsx],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child = child;
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        if (this.child === child) this.child = undefined;
        this.ready = undefined;
        reject(err);
        this.pending?.reject(err);
        this.pending = undefined;
      };
      child.on('message', (msg: WorkerReply) => {
        if (msg.ready) return resolve();
        const p = this.pending;
        this.pending = undefined;
        if (msg.result) p?.resolve(msg.result);
        else p?.reject(new Error(`load worker: ${msg.error ?? 'no result'}`));
      });
      child.once('error', fail);
      child.once('exit', (code, signal) => fail(new Error(`load worker exited (${signal ?? code})`)));
    });
  }

  async run(job: LoadJob): Promise<LoadResult> {
    if (this.pending) throw new Error('one measurement at a time');
    this.ready ??= this.start();
    await this.ready;
    const cpuBefore = mainThreadCpuMs();
    const result = await new Promise<LoadResult>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child!.send(job);
    });
    const cpuAfter = mainThreadCpuMs();
    if (cpuBefore !== undefined && cpuAfter !== undefined && result.samples + result.warmupSamples > 0) {
      // the warm-up ran inside this window too: share the CPU over every operation it did
      const ops = result.samples + result.warmupSamples;
      result.cpuMsPerOp = (cpuAfter - cpuBefore) / ops;
    }
    return result;
  }

  /** Ends the child process (the bench starts a fresh one for the next measurement). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.removeAllListeners('exit');
    child.removeAllListeners('error');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill();
    await exited;
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarise(
  tool: LoadResult['tool'],
  latencies: number[],
  elapsedS: number,
  errors: number,
  bad: number,
  warmupSamples: number,
  sent = latencies.length + warmupSamples,
): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    tool,
    samples: sorted.length,
    warmupSamples,
    sent,
    elapsedS,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length ? sum / sorted.length : 0,
    maxMs: sorted.length ? sorted[sorted.length - 1]! : 0,
    rps: elapsedS > 0 ? sorted.length / elapsedS : 0,
    errors,
    bad,
  };
}
