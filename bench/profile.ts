// CPU profile of scenario 1 (one SMM order status under load) or 2 (250 ids, one at a time),
// through the gateway or straight to the SMM subgraph. Only the measured window is profiled
// (via the inspector), not the stack's start-up:
//   npx tsx bench/profile.ts        (or: node --import tsx bench/profile.ts)
// writes bench/results/profiles/<scenario>-<target>-c<N>-<latency>ms.cpuprofile and prints a
// summary (bench/analyze-profile.ts reads any .cpuprofile, `node --cpu-prof` ones included).
// BENCH_PROFILE_SCENARIO=overhead (default) | batching, BENCH_PROFILE_TARGET=gateway (default)
// | subgraph, BENCH_DURATION_S (default 10), BENCH_CONCURRENCY (default 64 for overhead, 1 for
// batching), BENCH_LATENCIES (first value, default 0), LOG_LEVEL (default warn), BENCH_CODE=dist
// (or --dist: the compiled dist/ that `npm start` runs), BENCH_UPSTREAMS=process (the emulators
// in a child process, as real upstreams: the profile is then the layer's alone).
import { benchLogLevel } from './env.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchCode, loadStartStack } from './code.ts';
import { GATEWAY_SECRET_HEADER } from '../lib/secret.ts';
import { printSummary, summariseProfile, type CpuProfile } from './analyze-profile.ts';
import { LoadWorker, type LoadJob } from './load.ts';
import { gqlHttpCall } from './ops.ts';
import { batchIds, ORDER_QUERY, ORDERS_QUERY } from './queries.ts';
import { childUpstreams, inProcessUpstreams, upstreamsWhere } from './upstreams.ts';

const scenario = process.env.BENCH_PROFILE_SCENARIO === 'batching' ? 'batching' : 'overhead';
const target = process.env.BENCH_PROFILE_TARGET === 'subgraph' ? 'subgraph' : 'gateway';
const durationS = Number(process.env.BENCH_DURATION_S ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? (scenario === 'overhead' ? 64 : 1));
const latency = Number((process.env.BENCH_LATENCIES ?? '0').split(',')[0]);

const code = benchCode(process.argv.slice(2));
const startStack = await loadStartStack(code);
const child = upstreamsWhere() === 'process' ? await childUpstreams() : undefined;
const stack = await startStack({
  forceEmulators: !child,
  ports: 0,
  emulatorLatencyMs: latency,
  env: { ...process.env, ...child?.env },
});
const upstreams = child ?? inProcessUpstreams(stack);
await upstreams.setLatency(latency);
const load = new LoadWorker();
const session = new Session();
try {
  const call = gqlHttpCall(
    target === 'gateway' ? stack.gatewayUrl : stack.subgraphs.smm!.url,
    scenario === 'overhead' ? ORDER_QUERY : ORDERS_QUERY,
    scenario === 'overhead'
      ? { id: (await upstreams.seedSmmOrders(1))[0] }
      : { ids: batchIds(await upstreams.seedSmmOrders(230)) },
    target === 'gateway' ? {} : { [GATEWAY_SECRET_HEADER]: stack.secret },
  );
  const job = (seconds: number): LoadJob =>
    scenario === 'overhead'
      ? { kind: 'autocannon', call, connections: concurrency, durationS: seconds, warmupS: 0 }
      : { kind: 'ops', op: { call }, concurrency, durationS: seconds, warmupS: 0, minSamples: 1 };
  // warm the JIT and the connection pools before the profiled window
  await load.run(job(2));
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const r = await load.run(job(durationS));
  const { profile } = await session.post('Profiler.stop');
  const dir = new URL('./results/profiles/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = fileURLToPath(
    new URL(
      `${scenario}-${target}-c${concurrency}-${latency}ms${code === 'dist' ? '-dist' : ''}${child ? '-apart' : ''}.cpuprofile`,
      dir,
    ),
  );
  writeFileSync(file, JSON.stringify(profile));
  process.stdout.write(
    `${scenario} → ${target} (${code}), c${concurrency}, upstream ${latency} ms, LOG_LEVEL=${benchLogLevel}: ` +
      `p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, ${r.rps.toFixed(0)}/s, ` +
      `main-thread CPU ${r.cpuMsPerOp?.toFixed(3) ?? '?'} ms/op, ${r.errors + r.bad} failed\n` +
      `profile: ${file}\n\n`,
  );
  printSummary(summariseProfile(profile as CpuProfile), 30);
} finally {
  session.disconnect();
  await load.stop();
  await sleep(200); // let calls still in flight finish before the pools close
  await stack.close();
  await upstreams.close();
}
