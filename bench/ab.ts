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

const other = process.argv[2];
if (!other) {
  process.stderr.write('usage: npx tsx bench/ab.ts <other checkout>\n');
  process.exit(2);
}
const builds = { other: resolve(other), this: fileURLToPath(new URL('..', import.meta.url)) };
const rounds = Number(process.env.AB_ROUNDS ?? 12);
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
  const calls: Record<string, { many: HttpCall; one: HttpCall }> = {};
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
    calls[name] = {
      many: gqlHttpCall(stack.gatewayUrl, ORDERS_QUERY, { ids }),
      one: gqlHttpCall(stack.gatewayUrl, ORDER_QUERY, { id: one }),
    };
  }
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
  for (const c of Object.values(calls)) {
    await cpu(c.many, 2);
    await cpu(c.one, 1);
  }
  const ms: Record<string, { many: number[]; one: number[] }> = {};
  for (const name of Object.keys(builds)) ms[name] = { many: [], one: [] };
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? ['this', 'other'] : ['other', 'this']) {
      ms[name]!.many.push(await cpu(calls[name]!.many, seconds));
      ms[name]!.one.push(await cpu(calls[name]!.one, seconds / 2));
    }
  }
  const at = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
  const stats = (xs: number[]) =>
    `min ${at(xs, 0).toFixed(2)}  p25 ${at(xs, 0.25).toFixed(2)}  median ${at(xs, 0.5).toFixed(2)}`;
  const out = [`main-thread CPU ms per operation, ${rounds} rounds:`];
  for (const [name, root] of Object.entries(builds)) {
    out.push(`  ${name} (${root})`);
    out.push(`    250 ids:       ${stats(ms[name]!.many)}`);
    out.push(`    single status: ${stats(ms[name]!.one)}`);
  }
  const ratio = (k: 'many' | 'one') =>
    at(
      ms.this![k].map((v, i) => v / ms.other![k][i]!),
      0.5,
    ).toFixed(3);
  out.push(`  this ÷ other, median of the rounds: 250 ids ${ratio('many')}, single status ${ratio('one')}`);
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  await load.stop();
  await sleep(200); // calls still in flight finish before the pools close
  for (const s of stacks) await s.close();
  await child.close();
}
