// The soak: the whole stack (every API, emulated) under steady load for SOAK_SECONDS (300 by
// default), memory sampled every SOAK_SAMPLE_SECONDS. Passes when no request failed and memory
// stayed flat after the warm-up; prints the figures either way.
//   npx tsx bench/soak.ts                      (add --expose-gc: node --expose-gc --import tsx bench/soak.ts)
//   SOAK_SECONDS=60 SOAK_CONNECTIONS=10 npx tsx bench/soak.ts
import './env.ts';
import autocannon from 'autocannon';
import { startStack } from '../stack/index.ts';
import { parts } from '../stack/parts/index.ts';
import { isCleanAnswer, loadMix } from '../test/reliability/load-mix.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_SECONDS ?? Math.max(5, Math.round(SECONDS / 30)));
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 10);
/** heap growth allowed between the first and the last third after warm-up, in MiB */
const FLAT_MIB = Number(process.env.SOAK_FLAT_MIB ?? 16);

const MiB = 1024 * 1024;
const mib = (n: number) => Math.round((n / MiB) * 10) / 10;
const gc = (globalThis as { gc?: () => void }).gc;

interface Sample {
  s: number;
  rssMiB: number;
  heapMiB: number;
  requests: number;
}

const stack = await startStack({
  parts,
  forceEmulators: true,
  env: { ...process.env, UPSTREAM_TIMEOUT_MS: '5000', SMM_SERVICES_TTL_MS: '60000' },
});
const url = new URL(stack.gatewayUrl);
const samples: Sample[] = [];
let requests = 0;
const started = Date.now();

const sample = () => {
  // the emulators record every request they answer; they are the bench's, not the layer's memory
  for (const e of Object.values(stack.emulators)) e.clearRequests();
  gc?.();
  const m = process.memoryUsage();
  samples.push({
    s: Math.round((Date.now() - started) / 1000),
    rssMiB: mib(m.rss),
    heapMiB: mib(m.heapUsed),
    requests,
  });
  const last = samples.at(-1)!;
  console.log(
    `${String(last.s).padStart(5)} s  rss ${last.rssMiB} MiB  heap ${last.heapMiB} MiB  requests ${last.requests}`,
  );
};

console.log(
  `soak: ${SECONDS} s, ${CONNECTIONS} connections, ${parts.map((p) => p.name).join(', ')}, sample every ${SAMPLE_S} s${gc ? ', gc before each sample' : ''}`,
);
sample();
const timer = setInterval(sample, SAMPLE_S * 1000);
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    {
      url: url.origin,
      connections: CONNECTIONS,
      duration: SECONDS,
      timeout: 10,
      requests: loadMix(parts, url.pathname),
      verifyBody: (body) => isCleanAnswer(String(body)),
    },
    (err, res) => (err ? reject(err) : resolve(res)),
  );
  instance.on('response', () => requests++);
});
clearInterval(timer);
sample();
await stack.close();

// flatness: after a warm-up (the first sixth), compare the first and last thirds of the samples
const steady = samples.filter((x) => x.s >= SECONDS / 6);
const third = Math.max(1, Math.floor(steady.length / 3));
const avg = (xs: Sample[], k: 'rssMiB' | 'heapMiB') => xs.reduce((a, x) => a + x[k], 0) / xs.length;
const early = steady.slice(0, third);
const late = steady.slice(-third);
const heapGrowth = Math.round((avg(late, 'heapMiB') - avg(early, 'heapMiB')) * 10) / 10;
const rssGrowth = Math.round((avg(late, 'rssMiB') - avg(early, 'rssMiB')) * 10) / 10;
const figures = {
  seconds: SECONDS,
  connections: CONNECTIONS,
  requests: result.requests.total,
  rps: Math.round(result.requests.average),
  p50ms: result.latency.p50,
  p99ms: result.latency.p99,
  maxMs: result.latency.max,
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx,
  mismatches: result.mismatches,
  rssMiB: {
    first: samples[0]!.rssMiB,
    max: Math.max(...samples.map((x) => x.rssMiB)),
    last: samples.at(-1)!.rssMiB,
  },
  heapMiB: {
    first: samples[0]!.heapMiB,
    max: Math.max(...samples.map((x) => x.heapMiB)),
    last: samples.at(-1)!.heapMiB,
  },
  steadyHeapGrowthMiB: heapGrowth,
  steadyRssGrowthMiB: rssGrowth,
};
console.log(JSON.stringify(figures, null, 2));
const failed = result.errors + result.timeouts + result.non2xx + result.mismatches > 0;
const leaking = heapGrowth > FLAT_MIB;
console.log(
  failed || leaking
    ? `FAIL: ${failed ? 'requests failed' : ''}${failed && leaking ? '; ' : ''}${leaking ? `heap grew ${heapGrowth} MiB after warm-up (limit ${FLAT_MIB})` : ''}`
    : `OK: no failed request; heap after warm-up moved ${heapGrowth} MiB (limit ${FLAT_MIB})`,
);
process.exit(failed || leaking ? 1 : 0);
