// The soak: the whole stack (every API, emulated) under steady load for SOAK_SECONDS (300 by
// default), memory sampled every SOAK_SAMPLE_SECONDS. Passes when no request failed and memory
// stayed flat after the warm-up; prints the figures either way.
//   npx tsx bench/soak.ts                      (add --expose-gc: node --expose-gc --import tsx bench/soak.ts)
//   SOAK_SECONDS=60 SOAK_CONNECTIONS=10 npx tsx bench/soak.ts
// --start (or SOAK_TARGET=start): `npm start` as operators run it, compiled (package.json's
// start command: node, its flags, dist/scripts/start.js, built first when stale), in its own process with SOAK_WORKERS workers
// (1 by default); RSS and PSS are sums over its primary and workers, read from /proc, heap the sum
// its /metrics reports (no forced GC: it is another process). RSS counts a page shared by k
// processes k times (the node binary's text, pages a worker shares with its primary); PSS counts
// it once, split among them, so its sum is the memory the whole of npm start takes. The same
// flatness rule applies to RSS there, and SOAK_MAX_RSS_MIB (300) bounds the largest RSS sum; the
// PSS verdict is printed beside it. At the first and the last sample it prints each process's
// RSS, PSS, heap, code space and external memory (bench/memory-probe.mjs, loaded with
// NODE_OPTIONS=--import, reports the V8 figures on SIGUSR2). SOAK_NODE_OPTIONS: more NODE_OPTIONS
// for npm start only.
//   npm run soak -- --start
//   SOAK_WORKERS=2 SOAK_SECONDS=120 npm run soak -- --start
import './env.ts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { request } from 'undici';
import { startStack } from '../stack/index.ts';
import { parts } from '../stack/parts/index.ts';
import { isCleanAnswer, loadMix } from '../test/reliability/load-mix.ts';
import { memoryOf, processTree } from './proc.ts';

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
  pssMiB: number;
  heapMiB: number;
  requests: number;
}

interface Target {
  url: URL;
  /** memory in bytes: the whole target's resident set and its PSS, and its heap in use */
  memory(): Promise<{ rss: number; pss: number; heap: number }>;
  /** one line per process of the target (npm start only) */
  breakdown?(): Promise<string>;
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
      return { rss: m.rss, pss: memoryOf(process.pid).pss, heap: m.heapUsed };
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
  const probeDir = mkdtempSync(join(tmpdir(), 'soak-probe-'));
  const probe = new URL('./memory-probe.mjs', import.meta.url).href;
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
      NODE_OPTIONS: `--import=${probe} ${process.env.SOAK_NODE_OPTIONS ?? ''}`.trim(),
      MEMORY_PROBE_DIR: probeDir,
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
      const mem = processTree(child.pid!).map(memoryOf);
      const rss = mem.reduce((a, m) => a + m.rss, 0);
      const pss = mem.reduce((a, m) => a + m.pss, 0);
      const res = await request(new URL('/metrics', url));
      const text = await res.body.text();
      const heap = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
      return { rss, pss, heap };
    },
    async breakdown() {
      const pids = processTree(child.pid!);
      const mem = pids.map(memoryOf);
      rmSync(probeDir, { recursive: true, force: true });
      mkdirSync(probeDir);
      for (const pid of pids) process.kill(pid, 'SIGUSR2');
      const v8Of = async (pid: number): Promise<ProbeReport | undefined> => {
        const file = join(probeDir, `${pid}.json`);
        // a bench, not a test: a process busy under load answers within a few polls
        for (let i = 0; i < 50 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
        return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ProbeReport) : undefined;
      };
      const reports = await Promise.all(pids.map(v8Of));
      const f = (n: number | undefined) => (n === undefined ? '—' : String(mib(n))).padStart(7);
      const rows = pids.map((pid, i) => {
        const r = reports[i];
        return `  ${(r?.role ?? '?').padEnd(8)}${String(pid).padStart(8)}${f(mem[i]!.rss)}${f(mem[i]!.pss)}${f(mem[i]!.private)}${f(r?.heapUsed)}${f(r?.heapTotal)}${f(r?.code)}${f(r?.external)}`;
      });
      const sum = (k: 'rss' | 'pss' | 'private') => mem.reduce((a, m) => a + m[k], 0);
      return [
        `  ${'process'.padEnd(8)}${'pid'.padStart(8)}${'RSS'.padStart(7)}${'PSS'.padStart(7)}${'private'.padStart(8)}${'heap'.padStart(6)}${'of'.padStart(7)}${'code'.padStart(7)}${'extern'.padStart(7)}   (MiB)`,
        ...rows,
        `  ${'sum'.padEnd(16)}${f(sum('rss'))}${f(sum('pss'))}${f(sum('private'))}`,
      ].join('\n');
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
      rmSync(probeDir, { recursive: true, force: true });
    },
  };
}

/** what bench/memory-probe.mjs writes */
interface ProbeReport {
  role: 'primary' | 'worker';
  heapUsed: number;
  heapTotal: number;
  code: number;
  external: number;
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
    pssMiB: mib(m.pss),
    heapMiB: mib(m.heap),
    requests,
  });
  const last = samples.at(-1)!;
  console.log(
    `${String(last.s).padStart(5)} s  rss ${last.rssMiB} MiB  pss ${last.pssMiB} MiB  heap ${last.heapMiB} MiB  requests ${last.requests}`,
  );
};

console.log(
  `soak: ${SECONDS} s, ${CONNECTIONS} connections, ${parts.map((p) => p.name).join(', ')}, sample every ${SAMPLE_S} s${gc && !START ? ', gc before each sample' : ''}`,
);
await sample();
if (target.breakdown) console.log(`idle, per process:\n${await target.breakdown()}`);
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
// the load has just ended: what each process holds after it
if (target.breakdown) console.log(`after the load, per process:\n${await target.breakdown()}`);
await target.close();

// flatness: after a warm-up (the first sixth), compare the first and last thirds of the samples
const steady = samples.filter((x) => x.s >= SECONDS / 6);
const third = Math.max(1, Math.floor(steady.length / 3));
const avg = (xs: Sample[], k: 'rssMiB' | 'pssMiB' | 'heapMiB') =>
  xs.reduce((a, x) => a + x[k], 0) / xs.length;
const early = steady.slice(0, third);
const late = steady.slice(-third);
const heapGrowth = Math.round((avg(late, 'heapMiB') - avg(early, 'heapMiB')) * 10) / 10;
const rssGrowth = Math.round((avg(late, 'rssMiB') - avg(early, 'rssMiB')) * 10) / 10;
const pssGrowth = Math.round((avg(late, 'pssMiB') - avg(early, 'pssMiB')) * 10) / 10;
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
  pssMiB: {
    first: samples[0]!.pssMiB,
    max: Math.max(...samples.map((x) => x.pssMiB)),
    last: samples.at(-1)!.pssMiB,
  },
  heapMiB: {
    first: samples[0]!.heapMiB,
    max: Math.max(...samples.map((x) => x.heapMiB)),
    last: samples.at(-1)!.heapMiB,
  },
  steadyHeapGrowthMiB: heapGrowth,
  steadyRssGrowthMiB: rssGrowth,
  steadyPssGrowthMiB: pssGrowth,
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
if (START) {
  const pssMax = figures.pssMiB.max;
  console.log(
    `PSS (pages shared between the processes counted once): at most ${pssMax} MiB, ${pssMax > MAX_RSS_MIB ? 'over' : 'within'} ${MAX_RSS_MIB} MiB; moved ${pssGrowth} MiB after warm-up`,
  );
}
process.exit(problems.length ? 1 : 0);
