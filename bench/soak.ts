// The soak: the whole stack (every API, emulated) under steady load for SOAK_SECONDS (300 by
// default), memory sampled every SOAK_SAMPLE_SECONDS. Passes when no request failed and memory
// stayed flat after the warm-up; prints the figures either way.
//   npx tsx bench/soak.ts                      (add --expose-gc: node --expose-gc --import tsx bench/soak.ts)
//   SOAK_SECONDS=60 SOAK_CONNECTIONS=10 npx tsx bench/soak.ts
// --start (or SOAK_TARGET=start): `npm start` as operators run it, compiled (package.json's
// start command: node, its flags, dist/scripts/start.js, built first when stale), in its own process with SOAK_WORKERS workers
// (1 by default); RSS is the sum over its primary and workers, read from /proc, heap the sum
// its /metrics reports (no forced GC: it is another process). The same flatness rule applies to
// RSS there, and SOAK_MAX_RSS_MIB (300) bounds the largest sum. SOAK_NODE_OPTIONS: NODE_OPTIONS
// for npm start only.
//   npm run soak -- --start
//   SOAK_WORKERS=2 SOAK_SECONDS=120 npm run soak -- --start
import './env.ts';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { request } from 'undici';
import { startStack } from '../stack/index.ts';
import { parts } from '../stack/parts/index.ts';
import { isCleanAnswer, loadMix } from '../test/reliability/load-mix.ts';
import { processTree, rssOf } from './proc.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_SECONDS ?? Math.max(5, Math.round(SECONDS / 30)));
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 10);
/** heap growth allowed between the first and the last third after warm-up, in MiB */
const FLAT_MIB = Number(process.env.SOAK_FLAT_MIB ?? 16);

const START = process.argv.includes('--start') || process.env.SOAK_TARGET === 'start';
const WORKERS = Number(process.env.SOAK_WORKERS ?? 1);
const MAX_RSS_MIB = Number(process.env.SOAK_MAX_RSS_MIB ?? 300);

const MiB = 1024 * 1024;
const mib = (n: number) => Math.round((n / MiB) * 10) / 10;
const gc = (globalThis as { gc?: () => void }).gc;

interface Sample {
  s: number;
  rssMiB: number;
  heapMiB: number;
  requests: number;
}

interface Target {
  url: URL;
  /** memory in bytes: the whole target's resident set, and its heap in use */
  memory(): Promise<{ rss: number; heap: number }>;
  /** forgets the requests the emulators recorded (the bench's memory, not the layer's) */
  clearRecorded(): Promise<void>;
  close(): Promise<void>;
}

const soakEnv = { UPSTREAM_TIMEOUT_MS: '5000', SMM_SERVICES_TTL_MS: '60000' };

async function inProcess(): Promise<Target> {
  const stack = await startStack({ parts, forceEmulators: true, env: { ...process.env, ...soakEnv } });
  return {
    url: new URL(stack.gatewayUrl),
    async memory() {
      gc?.();
      const m = process.memoryUsage();
      return { rss: m.rss, heap: m.heapUsed };
    },
    async clearRecorded() {
      for (const e of Object.values(stack.emulators)) e.clearRequests();
    },
    close: () => stack.close(),
  };
}

async function startCommand(): Promise<Target> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('build failed');
  const dataDir = mkdtempSync(join(tmpdir(), 'soak-data-'));
  // exactly what `npm start` runs, Node flags included (package.json's start script)
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = pkg.scripts.start.split(/\s+/);
  if (node !== 'node') throw new Error(`npm start runs ${node}, not node`);
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      ...soakEnv,
      PORT: '0',
      WORKERS: String(WORKERS),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      // Node flags for npm start alone (heap settings under test), not for the load generator
      ...(process.env.SOAK_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SOAK_NODE_OPTIONS } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const emulatorOrigins: string[] = [];
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<URL>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it was ready`)));
    lines.on('line', (line) => {
      let l: { msg?: string; url?: string };
      try {
        l = JSON.parse(line) as typeof l;
      } catch {
        return;
      }
      if (l.msg?.endsWith(' emulator') && l.url) emulatorOrigins.push(new URL(l.url).origin);
      if (l.msg?.startsWith('gateway ready') && l.url) resolve(new URL(l.url));
    });
  });
  // past start-up its log (the access log, at info as operators run it) is only drained
  lines.close();
  child.stdout!.on('data', () => undefined).resume();
  console.log(`npm start (compiled), pid ${child.pid}, WORKERS=${WORKERS}, ${url.origin}`);
  const exited = new Promise((r) => child.once('exit', r));
  return {
    url,
    async memory() {
      const rss = processTree(child.pid!).reduce((a, pid) => a + rssOf(pid), 0);
      const res = await request(new URL('/metrics', url));
      const text = await res.body.text();
      const heap = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
      return { rss, heap };
    },
    async clearRecorded() {
      await Promise.all(
        emulatorOrigins.map((o) =>
          request(`${o}/__emulator/requests`, { method: 'DELETE' }).then((r) => r.body.dump()),
        ),
      );
    },
    async close() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const target = await (START ? startCommand() : inProcess());
const url = target.url;
const samples: Sample[] = [];
let requests = 0;
const started = Date.now();

const sample = async () => {
  // the emulators record every request they answer; they are the bench's, not the layer's memory
  await target.clearRecorded();
  const m = await target.memory();
  samples.push({
    s: Math.round((Date.now() - started) / 1000),
    rssMiB: mib(m.rss),
    heapMiB: mib(m.heap),
    requests,
  });
  const last = samples.at(-1)!;
  console.log(
    `${String(last.s).padStart(5)} s  rss ${last.rssMiB} MiB  heap ${last.heapMiB} MiB  requests ${last.requests}`,
  );
};

console.log(
  `soak: ${SECONDS} s, ${CONNECTIONS} connections, ${parts.map((p) => p.name).join(', ')}, sample every ${SAMPLE_S} s${gc && !START ? ', gc before each sample' : ''}`,
);
await sample();
const timer = setInterval(() => void sample(), SAMPLE_S * 1000);
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
await sample();
await target.close();

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
// in-process the heap after a forced GC is the steady measure; another process cannot be made to
// collect, so there the resident set (what the machine pays) must stay flat, and under the bound
const growth = START ? rssGrowth : heapGrowth;
const what = START ? 'RSS' : 'heap';
const leaking = growth > FLAT_MIB;
const rssMax = figures.rssMiB.max;
const tooBig = START && rssMax > MAX_RSS_MIB;
const problems = [
  failed ? 'requests failed' : '',
  leaking ? `${what} grew ${growth} MiB after warm-up (limit ${FLAT_MIB})` : '',
  tooBig ? `RSS reached ${rssMax} MiB (limit ${MAX_RSS_MIB})` : '',
].filter(Boolean);
console.log(
  problems.length
    ? `FAIL: ${problems.join('; ')}`
    : `OK: no failed request; ${what} after warm-up moved ${growth} MiB (limit ${FLAT_MIB})${START ? `; RSS at most ${rssMax} MiB (limit ${MAX_RSS_MIB})` : ''}`,
);
process.exit(problems.length ? 1 : 0);
