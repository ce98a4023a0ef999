// Two builds compared in one process, in alternating short rounds, so both meet the same noise:
// on a shared 2-core machine whole bench runs a few minutes apart moved by 2× (other jobs at load
// 6–9), while the ratio of rounds run side by side stays within a few percent.
//   npx tsx bench/ab.ts <other checkout>     e.g. a `git archive <commit>` copy with node_modules
// Each checkout's compiled dist/ (built when stale) starts a stack in this process, both in front
// of one set of emulators in a child process (as BENCH_UPSTREAMS=process); each round times
// `smmOrders` with 250 ids (230 distinct) and then one `smmOrder` status, at concurrency 1, on one
// build and then the other (the order swaps every round). Prints the main-thread CPU ms per
// operation of each (min, first quartile, median) and the median of the per-round ratios.
// AB_ROUNDS (12), AB_SECONDS (1.5: the 250-id measurement; the single status gets half).
// AB_MIX=1 times, in the same rounds, each query of the soak's mixed load as well
// (test/reliability/load-mix.ts: every API's read, SMM's services, providers and a small batch)
// and the four-API dashboard of `npm run bench`.
import './env.ts';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { startStack as StartStack, Stack } from '../stack/index.ts';
import { BENCH_ENV } from './run.ts';
import { LoadWorker, type LoadJob } from './load.ts';
import { gqlHttpCall, type HttpCall } from './ops.ts';
import { batchIds, ORDER_QUERY, ORDERS_QUERY } from './queries.ts';
import { childUpstreams } from './upstreams.ts';
import { buildFanout } from './fanout.ts';
import { parts } from '../stack/parts/index.ts';
import { loadMix } from '../test/reliability/load-mix.ts';

const other = process.argv[2];
if (!other) {
  process.stderr.write('usage: npx tsx bench/ab.ts <other checkout>\n');
  process.exit(2);
}
const builds = { other: resolve(other), this: fileURLToPath(new URL('..', import.meta.url)) };
const rounds = Number(process.env.AB_ROUNDS ?? 12);
const mix = process.env.AB_MIX === '1';
const seconds = Number(process.env.AB_SECONDS ?? 1.5);

for (const root of Object.values(builds)) {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error(`build failed in ${root}`);
}
// as `node dist/…` runs: Error stacks not mapped through source maps
process.setSourceMapsEnabled(false);

const child = await childUpstreams();
const load = new LoadWorker();
const stacks: Stack[] = [];
try {
  const ids = batchIds(await child.seedSmmOrders(230));
  const [one] = await child.seedSmmOrders(1);
  /** What each round times, by name, with its share of AB_SECONDS. */
  type Measured = { name: string; share: number; call: (gatewayUrl: string) => HttpCall };
  const measured: Measured[] = [
    { name: '250 ids', share: 1, call: (url) => gqlHttpCall(url, ORDERS_QUERY, { ids }) },
    { name: 'single status', share: 0.5, call: (url) => gqlHttpCall(url, ORDER_QUERY, { id: one }) },
  ];
  if (mix) {
    for (const r of loadMix(parts)) {
      const { query } = JSON.parse(r.body) as { query: string };
      const name = `mix: ${query.replace(/\s+/g, ' ').slice(0, 48)}`;
      measured.push({ name, share: 0.5, call: (url) => gqlHttpCall(url, query, undefined, r.headers) });
    }
  }
  const urls: Record<string, string> = {};
  for (const [name, root] of Object.entries(builds)) {
    const url = pathToFileURL(`${root}/dist/stack/index.js`).href;
    const { startStack } = (await import(url)) as { startStack: typeof StartStack };
    const stack = await startStack({
      forceEmulators: false,
      ports: 0,
      emulatorLatencyMs: 0,
      env: { ...BENCH_ENV, ...process.env, ...child.env },
    });
    stacks.push(stack);
    urls[name] = stack.gatewayUrl;
  }
  if (mix) {
    // the dashboard of npm run bench's fan-out scenario, built against this build's stack
    const dash = await buildFanout(
      stacks.at(-1)!,
      parts.map((p) => p.name),
      child,
    );
    measured.push({
      name: 'dashboard',
      share: 1,
      call: (url) => gqlHttpCall(url, dash.query, undefined, dash.headers),
    });
  }
  const calls: Record<string, HttpCall[]> = {};
  for (const [name, url] of Object.entries(urls)) calls[name] = measured.map((m) => m.call(url));
  const job = (call: HttpCall, durationS: number): LoadJob => ({
    kind: 'ops',
    op: { call },
    concurrency: 1,
    durationS,
    warmupS: 0,
    minSamples: 1,
  });
  const cpu = async (call: HttpCall, durationS: number) => {
    const r = await load.run(job(call, durationS));
    if (r.errors + r.bad > 0) throw new Error(`${r.errors + r.bad} failed answers`);
    return r.cpuMsPerOp ?? NaN;
  };
  // warm the JIT and the connection pools of both
  for (const c of Object.values(calls))
    for (const [i, m] of measured.entries()) await cpu(c[i]!, 2 * m.share);
  const ms: Record<string, number[][]> = {};
  for (const name of Object.keys(builds)) ms[name] = measured.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? ['this', 'other'] : ['other', 'this']) {
      for (const [i, m] of measured.entries())
        ms[name]![i]!.push(await cpu(calls[name]![i]!, seconds * m.share));
    }
  }
  const at = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
  const stats = (xs: number[]) =>
    `min ${at(xs, 0).toFixed(2)}  p25 ${at(xs, 0.25).toFixed(2)}  median ${at(xs, 0.5).toFixed(2)}`;
  const out = [`main-thread CPU ms per operation, ${rounds} rounds:`];
  const width = Math.max(...measured.map((m) => m.name.length)) + 1;
  for (const [name, root] of Object.entries(builds)) {
    out.push(`  ${name} (${root})`);
    for (const [i, m] of measured.entries())
      out.push(`    ${`${m.name}:`.padEnd(width)} ${stats(ms[name]![i]!)}`);
  }
  const ratio = (i: number) =>
    at(
      ms.this![i]!.map((v, r) => v / ms.other![i]![r]!),
      0.5,
    ).toFixed(3);
  out.push('  this ÷ other, median of the rounds:');
  for (const [i, m] of measured.entries()) out.push(`    ${`${m.name}:`.padEnd(width)} ${ratio(i)}`);
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  await load.stop();
  await sleep(200); // calls still in flight finish before the pools close
  for (const s of stacks) await s.close();
  await child.close();
}
