import './env.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStack } from '../stack/index.ts';
import { startTracing, stopTracing, tracingEnabled } from '../lib/tracing.ts';
import { seedSmmOrders } from './fanout.ts';
import { LoadWorker, type LoadResult } from './load.ts';
import { gqlHttpCall } from './ops.ts';
import { ORDER_QUERY } from './queries.ts';

/**
 * What tracing costs: scenario 1's request (one SMM order status through the gateway) hammered
 * with tracing off (no SDK loaded, the default) and on (every span exported over OTLP/HTTP JSON
 * to a local receiver that drops them), alternating off/on rounds in one process so both see
 * the same machine. `npx tsx bench/tracing.ts [seconds per round] [rounds] [connections]`.
 */
const [durationS = 5, rounds = 3, connections = 8] = process.argv.slice(2).map(Number);

let received = 0;
const receiver = createServer((req, res) => {
  req.resume().on('end', () => {
    received++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const stack = await startStack({ forceEmulators: true });
// read by startTracing() (and the exporter) from now on; the first round is still off
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
const worker = new LoadWorker();
const rows: Array<{ mode: string; r: LoadResult }> = [];
try {
  const [orderId] = seedSmmOrders(stack, 1);
  const job = {
    kind: 'autocannon' as const,
    call: gqlHttpCall(stack.gatewayUrl, ORDER_QUERY, { id: orderId }),
    connections,
    durationS,
    warmupS: 1,
  };
  for (let i = 0; i < rounds; i++) {
    for (const on of [false, true]) {
      if (on) await startTracing();
      else await stopTracing();
      if (tracingEnabled() !== on) throw new Error(`tracing did not switch ${on} round ${i}`);
      rows.push({ mode: on ? 'on' : 'off', r: await worker.run(job) });
    }
  }
} finally {
  await worker.stop();
  await stopTracing();
  await stack.close();
  receiver.close();
}

console.log(
  `scenario 1 (one SMM order status through the gateway), ${connections} connections, ${durationS} s rounds`,
);
console.log('tracing  req/s    p50 ms  p99 ms  CPU ms/req  errors');
for (const { mode, r } of rows)
  console.log(
    `${mode.padEnd(7)}  ${r.rps.toFixed(0).padStart(6)}  ${r.p50Ms.toFixed(2).padStart(6)}  ${r.p99Ms
      .toFixed(2)
      .padStart(6)}  ${(r.cpuMsPerOp ?? NaN).toFixed(3).padStart(10)}  ${r.errors + r.bad}`,
  );
const mean = (mode: string, f: (r: LoadResult) => number) => {
  const xs = rows.filter((x) => x.mode === mode).map((x) => f(x.r));
  return xs.reduce((a, b) => a + b, 0) / xs.length;
};
for (const [name, f] of [
  ['req/s', (r: LoadResult) => r.rps],
  ['CPU ms/req', (r: LoadResult) => r.cpuMsPerOp ?? NaN],
] as const)
  console.log(
    `mean ${name}: off ${mean('off', f).toFixed(3)}, on ${mean('on', f).toFixed(3)} (on/off ${(mean('on', f) / mean('off', f)).toFixed(3)})`,
  );
console.log(`OTLP export requests received while on: ${received}`);
