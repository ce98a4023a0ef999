// `npm run bench` (or `npm run bench -- --smoke`): the layer's cost and savings, side by side.
import { benchLogLevel } from './env.ts';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as prettier from 'prettier';
import { SUPERGRAPH_PATH } from '../gateway/server.ts';
import type { Stack } from '../stack/index.ts';
import { benchCode, loadStartStack, type BenchCode } from './code.ts';
import { composeSupergraph } from '../stack/compose.ts';
import { parts as allParts } from '../stack/parts/index.ts';
import { GATEWAY_SECRET_HEADER } from '../lib/secret.ts';
import { envFlag } from '../lib/config.ts';
import { buildFanout, smmCall, type Fanout } from './fanout.ts';
import { startHiveGateway } from './hive.ts';
import { LoadWorker, type LoadJob, type LoadResult } from './load.ts';
import { call, callCount, gqlCall, OpRunner, par, seq, type Op } from './ops.ts';
import { batchIds, ORDER_QUERY, ORDERS_QUERY } from './queries.ts';
import { renderMarkdown } from './report.ts';
import {
  childUpstreams,
  inProcessUpstreams,
  upstreamsWhere,
  type Upstreams,
  type UpstreamsWhere,
} from './upstreams.ts';

export interface BenchOptions {
  /** seconds each measurement runs (after its warm-up) */
  durationS: number;
  warmupS: number;
  /** emulator latencies to run the whole scenario set at, in ms */
  latencies: number[];
  /** operations a composite measurement times at least, however long they take */
  minSamples: number;
  /** connections of the high-concurrency overhead measurement */
  highConcurrency: number;
  /** in-flight single calls of the "naive client with bounded concurrency" */
  naiveConcurrency: number;
  smoke: boolean;
  /** the TypeScript sources under tsx, or the compiled dist/ that `npm start` runs */
  code: BenchCode;
  /** emulators in the bench process with the stack, or in a child process of their own */
  upstreams: UpstreamsWhere;
  /** how our gateway calls its subgraphs: in-process (as `npm start`) or over loopback HTTP */
  transport: 'local' | 'http';
  /** the scenarios to run (BENCH_SCENARIOS, comma-separated); memory is read after each */
  scenarios: ScenarioId[];
  log: (line: string) => void;
}

export interface Ratio {
  /** id of the row this one is compared with */
  vs: string;
  /** this p50 ÷ that p50 (below 1: faster) */
  p50: number;
  p99: number;
  /** this rate ÷ that rate (above 1: more per second) */
  rps: number;
}

export interface Row extends LoadResult {
  id: string;
  label: string;
  role: 'subject' | 'reference';
  concurrency: number;
  /** HTTP calls the client makes per operation */
  clientCalls: number;
  /** calls each emulator received for one operation (from its recorded requests) */
  upstreamCalls: Record<string, number>;
  /** the same averaged over the measurement; absent when too many calls to count */
  upstreamCallsUnderLoad?: Record<string, number>;
  ratios: Ratio[];
}

export interface MemoryPoint {
  after: string;
  rssMb: number;
  heapUsedMb: number;
}

export type ScenarioId = 'overhead' | 'batching' | 'fanout' | 'memory' | 'peer';

export interface Scenario {
  id: ScenarioId;
  title: string;
  rows: Row[];
  memory?: MemoryPoint[];
  notes: string[];
}

export interface LatencyRun {
  emulatorLatencyMs: number;
  scenarios: Scenario[];
}

export interface BenchResult {
  meta: {
    date: string;
    node: string;
    platform: string;
    cpu: string;
    cores: number;
    memoryGb: number;
    durationS: number;
    warmupS: number;
    smoke: boolean;
    code: BenchCode;
    upstreams: UpstreamsWhere;
    transport: 'local' | 'http';
    subgraphs: string[];
    supergraph: string;
    notes: string[];
  };
  runs: LatencyRun[];
  elapsedS: number;
}

function num(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
  return n;
}

/** BENCH_TRANSPORT (else SUBGRAPH_TRANSPORT): how our gateway calls the subgraphs of its process. */
export function benchTransport(env: NodeJS.ProcessEnv = process.env): 'local' | 'http' {
  const v = env.BENCH_TRANSPORT || env.SUBGRAPH_TRANSPORT || 'local';
  if (v !== 'local' && v !== 'http') throw new Error(`BENCH_TRANSPORT must be local or http, got "${v}"`);
  return v;
}

const RUNNABLE: ScenarioId[] = ['overhead', 'batching', 'fanout', 'peer'];

/** BENCH_SCENARIOS (e.g. `overhead`): run only these; every one by default. */
export function benchScenarios(env: NodeJS.ProcessEnv = process.env): ScenarioId[] {
  const v = env.BENCH_SCENARIOS?.trim();
  if (!v) return RUNNABLE;
  const ids = v.split(',').map((s) => s.trim()) as ScenarioId[];
  const unknown = ids.filter((id) => !RUNNABLE.includes(id));
  if (unknown.length > 0)
    throw new Error(`BENCH_SCENARIOS takes ${RUNNABLE.join(', ')}; got "${unknown.join(', ')}"`);
  return ids;
}

export function benchOptions(argv: string[] = [], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const smoke = argv.includes('--smoke') || env.BENCH_SMOKE === '1';
  return {
    durationS: num('BENCH_DURATION_S', env.BENCH_DURATION_S, smoke ? 0.25 : 5),
    warmupS: num('BENCH_WARMUP_S', env.BENCH_WARMUP_S, smoke ? 0.05 : 1),
    latencies: (env.BENCH_LATENCIES || (smoke ? '0' : '0,20'))
      .split(',')
      .map((v) => num('BENCH_LATENCIES', v.trim(), 0)),
    minSamples: Math.max(1, num('BENCH_MIN_SAMPLES', env.BENCH_MIN_SAMPLES, smoke ? 1 : 3)),
    highConcurrency: Math.max(1, num('BENCH_CONCURRENCY', env.BENCH_CONCURRENCY, 64)),
    naiveConcurrency: 16,
    smoke,
    code: benchCode(argv, env),
    upstreams: argv.includes('--upstreams-process') ? 'process' : upstreamsWhere(env),
    transport: benchTransport(env),
    scenarios: benchScenarios(env),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

// The stack runs in this process, so its memory is this process's memory. A collection first
// makes successive readings comparable (garbage left by the load would otherwise dominate).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function memory(after: string): MemoryPoint {
  gc();
  const m = process.memoryUsage();
  return { after, rssMb: round(m.rss / 2 ** 20, 1), heapUsedMb: round(m.heapUsed / 2 ** 20, 1) };
}

/**
 * Caches that answer repeated reads across requests are off, so every operation reaches every
 * upstream as the REST reference does (the environment can turn them back on).
 */
export const BENCH_ENV: NodeJS.ProcessEnv = { SOLSUB_CACHE_TTL_MS: '0' };

/** Which subgraphs a supergraph SDL joins. */
const joinedGraphs = (sdl: string) =>
  [...sdl.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((m) => m[1]!).sort();

class Bench {
  private readonly probe = new OpRunner();
  readonly load = new LoadWorker();
  rows = new Map<string, Row>();

  constructor(
    readonly stack: Stack,
    readonly upstreams: Upstreams,
    readonly opts: BenchOptions,
  ) {}

  /** Waits until calls left over from the previous measurement have reached the emulators. */
  private async settle(): Promise<void> {
    const deadline = performance.now() + 3000;
    do {
      await this.upstreams.clear();
      await sleep(30);
    } while (Object.keys(await this.upstreams.received()).length > 0 && performance.now() < deadline);
  }

  /**
   * Two operations, every body checked; returns the calls each emulator received for the
   * second one, when whatever the first may have cached is warm (as during the measurement).
   */
  async preflight(op: Op, what: string): Promise<Record<string, number>> {
    await this.settle();
    const counts: Record<string, number> = {};
    for (let pass = 0; pass < 2; pass++) {
      await this.upstreams.clear();
      const out = await this.probe.run(op, true);
      if (out.bad > 0) throw new Error(`${what}: pre-flight failed: ${out.firstProblem}`);
    }
    Object.assign(counts, await this.upstreams.received());
    await this.upstreams.clear();
    return counts;
  }

  async measure(
    id: string,
    label: string,
    role: Row['role'],
    job: LoadJob,
    compare: Array<{ vs: string }> = [],
  ): Promise<Row> {
    const op = job.kind === 'autocannon' ? call(job.call) : job.op;
    const upstreamCalls = await this.preflight(op, label);
    const t = performance.now();
    await this.upstreams.clear();
    const result = await this.load.run(job);
    const underLoad = await this.upstreamCallsUnderLoad(result);
    this.opts.log(
      `  ${label} (c${job.kind === 'autocannon' ? job.connections : job.concurrency}): ` +
        `p50 ${result.p50Ms.toFixed(2)} ms, ${result.rps.toFixed(0)}/s [${((performance.now() - t) / 1000).toFixed(1)} s]`,
    );
    await this.upstreams.clear();
    const row: Row = {
      id,
      label,
      role,
      concurrency: job.kind === 'autocannon' ? job.connections : job.concurrency,
      clientCalls: callCount(op),
      upstreamCalls,
      upstreamCallsUnderLoad: underLoad,
      ...result,
      ratios: [],
    };
    for (const { vs } of compare) {
      const other = this.rows.get(vs);
      if (other) row.ratios.push(ratio(row, other));
    }
    const problems = result.errors + result.bad;
    if (problems > 0) this.opts.log(`    ! ${problems} failed answers`);
    this.rows.set(id, row);
    return row;
  }

  hammer(op: Op, connections: number): LoadJob {
    if (!('call' in op)) throw new Error('autocannon takes a single call');
    return {
      kind: 'autocannon',
      call: op.call,
      connections,
      durationS: this.opts.durationS,
      warmupS: this.opts.warmupS,
      amount: this.opts.smoke ? Math.max(20, 2 * connections) : undefined,
    };
  }

  drive(op: Op, minSamples = this.opts.minSamples): LoadJob {
    return {
      kind: 'ops',
      op,
      concurrency: 1,
      durationS: this.opts.durationS,
      warmupS: this.opts.warmupS,
      minSamples,
    };
  }

  /**
   * Upstream calls per operation started over the whole measurement (warm-up included).
   */
  private async upstreamCallsUnderLoad(r: LoadResult): Promise<Record<string, number> | undefined> {
    const ops = r.sent;
    const out: Record<string, number> = {};
    for (const [name, n] of Object.entries(await this.upstreams.received())) out[name] = round(n / ops, 2);
    return out;
  }

  /** A memory reading with the load generator's process ended. */
  async memory(after: string): Promise<MemoryPoint> {
    await this.load.stop();
    return memory(after);
  }

  async close() {
    await this.load.stop();
    await this.probe.close();
  }
}

function ratio(row: LoadResult, other: LoadResult & { id: string }): Ratio {
  return {
    vs: other.id,
    p50: round(row.p50Ms / other.p50Ms),
    p99: round(row.p99Ms / other.p99Ms),
    rps: round(row.rps / other.rps),
  };
}

async function overhead(b: Bench, orderId: string): Promise<Scenario> {
  const gw = gqlCall(b.stack.gatewayUrl, ORDER_QUERY, { id: orderId });
  const rest = call(smmCall(b.upstreams.smmUrl(), { action: 'status', order: orderId }));
  const rows: Row[] = [];
  const sub = gqlCall(
    b.stack.subgraphs.smm!.url,
    ORDER_QUERY,
    { id: orderId },
    { [GATEWAY_SECRET_HEADER]: b.stack.secret },
  );
  for (const c of [1, b.opts.highConcurrency]) {
    rows.push(
      await b.measure(`overhead/rest/c${c}`, 'REST straight to the emulator', 'reference', b.hammer(rest, c)),
    );
    rows.push(
      await b.measure(
        `overhead/subgraph/c${c}`,
        'GraphQL straight to the SMM subgraph',
        'subject',
        b.hammer(sub, c),
        [{ vs: `overhead/rest/c${c}` }],
      ),
    );
    rows.push(
      await b.measure(`overhead/gateway/c${c}`, 'GraphQL through our gateway', 'subject', b.hammer(gw, c), [
        { vs: `overhead/rest/c${c}` },
      ]),
    );
  }
  return {
    id: 'overhead',
    title: '1 Overhead: one SMM order status',
    rows,
    notes: [
      '`smmOrder` through gateway → SMM subgraph → emulator, vs the same form POST straight to the emulator.',
      'The subgraph row sends the query straight to the SMM subgraph (with the gateway secret): the difference ' +
        'to the gateway row is the gateway tier.',
      envFlag('UPSTREAM_SHARE_READS', true)
        ? 'The subgraphs share identical upstream reads in flight (UPSTREAM_SHARE_READS, on): at 64 connections ' +
          'every client asks for the same order, so "under load" shows the upstream calls that saved.'
        : 'UPSTREAM_SHARE_READS=0: every operation makes its own upstream call, identical reads in flight included.',
    ],
  };
}

async function batching(b: Bench): Promise<Scenario> {
  const unique = await b.upstreams.seedSmmOrders(230);
  const ids = batchIds(unique);
  const smmUrl = b.upstreams.smmUrl();
  const single = (id: string) => call(smmCall(smmUrl, { action: 'status', order: id }));
  const chunks = [unique.slice(0, 100), unique.slice(100, 200), unique.slice(200)];
  const multi = chunks.map((c) => call(smmCall(smmUrl, { action: 'status', orders: c.join(',') })));
  const rows: Row[] = [];
  rows.push(
    await b.measure(
      'batching/rest-naive-seq',
      '250 single status calls, one after the other',
      'reference',
      b.drive(seq(...ids.map(single))),
    ),
  );
  rows.push(
    await b.measure(
      'batching/rest-naive-par',
      `250 single status calls, ${b.opts.naiveConcurrency} at a time`,
      'reference',
      b.drive(par(ids.map(single), b.opts.naiveConcurrency)),
    ),
  );
  rows.push(
    await b.measure(
      'batching/rest-minimum',
      '3 multi-status calls at once (the minimum)',
      'reference',
      b.drive(par(multi)),
    ),
  );
  rows.push(
    await b.measure(
      'batching/gateway',
      '`smmOrders` with the 250 ids through our gateway',
      'subject',
      b.drive(gqlCall(b.stack.gatewayUrl, ORDERS_QUERY, { ids })),
      [{ vs: 'batching/rest-naive-seq' }, { vs: 'batching/rest-naive-par' }, { vs: 'batching/rest-minimum' }],
    ),
  );
  return {
    id: 'batching',
    title: '2 Batching: 250 order ids (230 distinct)',
    rows,
    notes: ['Latency of the whole operation (all 250 statuses in hand); one operation at a time.'],
  };
}

async function fanout(b: Bench, f: Fanout): Promise<Scenario> {
  const rows: Row[] = [];
  rows.push(
    await b.measure(
      'fanout/rest-seq',
      'REST, every call one after the other',
      'reference',
      b.drive(seq(...f.pieces.map((p) => p.rest))),
    ),
  );
  rows.push(
    await b.measure(
      'fanout/rest-par',
      'REST, upstreams at once (each one’s calls in order)',
      'reference',
      b.drive(par(f.pieces.map((p) => p.rest))),
    ),
  );
  rows.push(
    await b.measure(
      'fanout/gateway',
      'one dashboard query through our gateway',
      'subject',
      b.drive(gqlCall(b.stack.gatewayUrl, f.query, undefined, f.headers)),
      [{ vs: 'fanout/rest-seq' }, { vs: 'fanout/rest-par' }],
    ),
  );
  return {
    id: 'fanout',
    title: `3 Fan-out: one dashboard over ${f.pieces.map((p) => p.api).join(', ')}`,
    rows,
    notes: [
      ...f.pieces.filter((p) => p.note).map((p) => `${p.api}: ${p.note}`),
      ...f.skipped.map((s) => `${s.api} left out: ${s.reason}`),
    ],
  };
}

async function peer(
  b: Bench,
  sdl: string,
  orderId: string,
  f: Fanout,
): Promise<{ scenario: Scenario; memory: MemoryPoint }> {
  const rows: Row[] = [];
  let memoryPoint: MemoryPoint | undefined;
  const order = (url: string) => gqlCall(url, ORDER_QUERY, { id: orderId });
  const hive = await startHiveGateway(b.stack, sdl);
  try {
    for (const c of [1, b.opts.highConcurrency]) {
      rows.push(
        await b.measure(
          `peer/hive-overhead/c${c}`,
          'order status through Hive Gateway',
          'subject',
          b.hammer(order(hive.url), c),
          [{ vs: `overhead/rest/c${c}` }, { vs: `overhead/gateway/c${c}` }],
        ),
      );
    }
    rows.push(
      await b.measure(
        'peer/hive-fanout',
        'dashboard query through Hive Gateway',
        'subject',
        b.drive(gqlCall(hive.url, f.query, undefined, f.headers)),
        [{ vs: 'fanout/rest-seq' }, { vs: 'fanout/gateway' }],
      ),
    );
    memoryPoint = await b.memory('peer (Hive Gateway loaded as well)');
  } finally {
    await hive.close();
  }
  const sharing = await startHiveGateway(b.stack, sdl, { dedupe: true });
  try {
    const c = b.opts.highConcurrency;
    rows.push(
      await b.measure(
        `peer/hive-dedupe/c${c}`,
        'order status through Hive Gateway, identical in-flight queries shared (its default)',
        'subject',
        b.hammer(order(sharing.url), c),
        [{ vs: `overhead/rest/c${c}` }, { vs: `overhead/gateway/c${c}` }],
      ),
    );
  } finally {
    await sharing.close();
  }
  return {
    scenario: {
      id: 'peer',
      title: '5 Gateway peer: the same supergraph and subgraphs behind Hive Gateway',
      rows,
      notes: [
        'Ratios vs the REST reference and vs our gateway, both measured in this run.',
        'Hive Gateway shares identical in-flight subgraph queries by default; it is off in the first rows so ' +
          'every client request reaches the subgraph as with our gateway. The last row has it on: every client ' +
          'here asks the same thing at once, the best case for that sharing ("under load" shows the calls it saved).',
      ],
    },
    memory: memoryPoint!,
  };
}

/** Starts the stack, runs every scenario at every latency, and returns the figures. */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const started = performance.now();
  const present = allParts.map((p) => p.name).sort();
  const fileSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  const fileMatches = JSON.stringify(joinedGraphs(fileSdl)) === JSON.stringify(present);
  // both gateways must serve one supergraph; a stale file would make ours call absent subgraphs
  const sdl = fileMatches ? fileSdl : composeSupergraph(allParts).supergraph;
  const startStack = await loadStartStack(opts.code);
  const child = opts.upstreams === 'process' ? await childUpstreams() : undefined;
  let stack: Stack;
  try {
    stack = await startStack({
      // with the emulators elsewhere, the stack is pointed at them as at real upstreams
      forceEmulators: !child,
      ports: 0,
      emulatorLatencyMs: 0,
      parts: fileMatches ? undefined : allParts,
      env: { ...BENCH_ENV, ...process.env, ...child?.env },
      transport: opts.transport,
    });
  } catch (err) {
    await child?.close();
    throw err;
  }
  const upstreams = child ?? inProcessUpstreams(stack);
  const b = new Bench(stack, upstreams, opts);
  const runs: LatencyRun[] = [];
  try {
    const idle = memory('idle (stack started, no load yet)');
    const [orderId] = await upstreams.seedSmmOrders(1);
    const fanoutSet = await buildFanout(
      stack,
      allParts.map((p) => p.name),
      upstreams,
    );
    for (const latency of opts.latencies) {
      await upstreams.setLatency(latency);
      opts.log(`emulator latency ${latency} ms`);
      b.rows.clear();
      const mem: MemoryPoint[] = runs.length === 0 ? [idle] : [await b.memory('start of this latency')];
      const scenarios: Scenario[] = [];
      for (const [name, run] of [
        ['overhead', () => overhead(b, orderId!)],
        ['batching', () => batching(b)],
        ['fanout', () => fanout(b, fanoutSet)],
      ] as const) {
        if (!opts.scenarios.includes(name)) continue;
        opts.log(` ${name}`);
        scenarios.push(await run());
        mem.push(await b.memory(name));
      }
      if (opts.scenarios.includes('peer')) {
        opts.log(' peer');
        const p = await peer(b, sdl, orderId!, fanoutSet);
        scenarios.push(p.scenario);
        mem.push(p.memory);
      }
      scenarios.splice(Math.min(3, scenarios.length), 0, {
        id: 'memory',
        title: '4 Memory: resident set of the whole stack',
        rows: [],
        memory: mem,
        notes: [
          opts.upstreams === 'process'
            ? 'RSS of the bench process, which runs subgraphs and gateway and nothing else (the emulators and ' +
              'the load generator are child processes); after a forced GC.'
            : 'RSS of the bench process, which runs emulators, subgraphs and gateway and nothing else (the load ' +
              'generator is a child process); after a forced GC. The emulators keep their last 20,000 requests.',
        ],
      });
      runs.push({ emulatorLatencyMs: latency, scenarios });
    }
  } finally {
    await b.close();
    await stack.close();
    await upstreams.close();
  }
  const cpus = os.cpus();
  return {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      memoryGb: round(os.totalmem() / 2 ** 30, 1),
      durationS: opts.durationS,
      warmupS: opts.warmupS,
      smoke: opts.smoke,
      code: opts.code,
      upstreams: opts.upstreams,
      transport: opts.transport,
      subgraphs: present,
      supergraph: fileMatches
        ? 'schema/supergraph.graphql'
        : 'composed from the present parts (schema/supergraph.graphql names other subgraphs)',
      notes: [
        opts.upstreams === 'process'
          ? 'Subgraphs and our gateway run in one Node process (one event loop); the emulators (as real ' +
            'upstreams would) and the load generator are child processes (BENCH_UPSTREAMS=process).'
          : 'Emulators, subgraphs and our gateway run in one Node process (one event loop); the load ' +
            'generator is a child process. Deployed as separate processes, each would get its own core.',
        opts.transport === 'local'
          ? 'Clients, Hive Gateway and the subgraph rows over loopback HTTP with keep-alive; our gateway calls ' +
            'its subgraphs in-process (SUBGRAPH_TRANSPORT=local, as `npm start`; BENCH_TRANSPORT=http for loopback HTTP).'
          : 'Everything over loopback HTTP with keep-alive, our gateway→subgraph calls included (BENCH_TRANSPORT=http).',
        opts.code === 'dist'
          ? 'The stack runs the compiled JavaScript in dist/ (as `npm start`), without source maps.'
          : 'The stack runs the TypeScript sources under tsx (BENCH_CODE=dist runs dist/, as `npm start`).',
        `Stack CPU ms/op: CPU time of the main thread (${opts.upstreams === 'process' ? 'subgraphs and gateway; not the emulators nor' : 'emulators, subgraphs, gateway; not'} the load generator) ` +
          'per request or operation, warm-up included (Linux /proc schedstat). It moves far less than latency ' +
          'when other processes compete for the cores.',
        `LOG_LEVEL=${benchLogLevel} (the bench's default is warn: per-request info lines would measure the terminal).`,
        `Cross-request caches off unless the environment sets them: ${Object.entries(BENCH_ENV)
          .map(([k, v]) => `${k}=${process.env[k] ?? v}`)
          .join(', ')}. "calls/op" counts the upstream calls of one operation once caches are warm.`,
      ],
    },
    runs,
    elapsedS: round((performance.now() - started) / 1000, 1),
  };
}

export const RESULTS_DIR = new URL('./results/', import.meta.url);

/** Writes <name>.json and <name>.md, formatted as the repository's Prettier check wants them. */
export async function writeResults(result: BenchResult, name: string): Promise<{ json: string; md: string }> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = fileURLToPath(new URL(`${name}.json`, RESULTS_DIR));
  const md = fileURLToPath(new URL(`${name}.md`, RESULTS_DIR));
  const pretty = async (file: string, text: string) =>
    prettier.format(text, { ...(await prettier.resolveConfig(file)), filepath: file });
  writeFileSync(json, await pretty(json, JSON.stringify(result)));
  writeFileSync(md, await pretty(md, renderMarkdown(result)));
  return { json, md };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const opts = benchOptions(process.argv.slice(2));
  runBench(opts)
    .then(async (result) => {
      // a run of some scenarios only is not the published set
      const partial = opts.scenarios.length < RUNNABLE.length;
      const files = await writeResults(result, opts.smoke ? 'smoke' : partial ? 'partial' : 'latest');
      process.stdout.write(`${renderMarkdown(result)}\nwrote ${files.json} and ${files.md}\n`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    });
}
