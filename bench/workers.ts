// Our gateway with WORKERS=n against Hive Gateway's own multi-process mode (`hive-gateway
// supergraph --fork n`), each in front of the same subgraphs and emulators (one compiled
// `npm start` with WORKERS=1, in its own process), one after the other, with the same query,
// concurrency and duration. Per gateway: req/s, p50/p99, CPU ms per request and RSS summed over
// its whole process tree (primary and workers, from /proc). Hive's default sharing of identical
// in-flight subgraph requests stays on (gateway.config.ts does not turn it off): one query
// repeated at 64 connections is where it pays most; ours has none at the gateway (both gateways
// call the same subgraphs, whose shared upstream reads serve either alike).
//   npx tsx bench/workers.ts                     (n = 1 and 2; WORKERS_BENCH_N=1,2)
//   WORKERS_BENCH_SECONDS=10 WORKERS_BENCH_CONNECTIONS=64 npx tsx bench/workers.ts
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parts } from '../stack/parts/index.ts';
import { subgraphUrlVar } from '../stack/ports.ts';
import { postLoad, waitAnswering } from './post-load.ts';
import { cpuSecondsOf, processTree, rssOf } from './proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.WORKERS_BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.WORKERS_BENCH_CONNECTIONS ?? 64);
const COUNTS = (process.env.WORKERS_BENCH_N ?? '1,2').split(',').map(Number);
const SECRET = 'bench-secret-0123456789abcdef';
const BODY = JSON.stringify({ query: '{ smmOrder(provider: "sosyal", id: "23501") { id status charge } }' });

const children: ChildProcess[] = [];
/** SIGTERM; after 10 s, SIGKILL to the whole tree (hive-gateway --fork n did not exit on SIGTERM) */
async function stop(c: ChildProcess) {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  const all = processTree(c.pid!);
  c.kill('SIGTERM');
  const late = setTimeout(() => {
    for (const pid of all.reverse())
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
  }, 10_000);
  await exited;
  clearTimeout(late);
}
const stopAll = async () => {
  for (const c of children.reverse()) await stop(c);
};

/** a command whose JSON log lines we read until `ready` picks one */
function run(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      // Hive's own log lines are not ours
    }
  });
  return { child, lines };
}

/** CPU seconds (user + system) and RSS bytes summed over `pid`'s process tree */
function usage(pid: number): { cpuS: number; rss: number } {
  const all = processTree(pid);
  return {
    cpuS: all.reduce((sum, p) => sum + cpuSecondsOf(p), 0),
    rss: all.reduce((sum, p) => sum + rssOf(p), 0),
  };
}

async function measure(name: string, url: string, pid: number) {
  const load = (duration: number) => postLoad(url, BODY, CONNECTIONS, duration);
  await load(2); // warm-up: JIT, connections
  const before = usage(pid);
  let rssMax = before.rss;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, usage(pid).rss)), 1000);
  const r = await load(SECONDS);
  clearInterval(sampler);
  const after = usage(pid);
  const row = {
    gateway: name,
    rps: Math.round(r.requests.average),
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    cpuMsPerReq: Math.round(((after.cpuS - before.cpuS) * 1000 * 100) / r.requests.total) / 100,
    rssMaxMiB: Math.round(Math.max(rssMax, after.rss) / 1048576),
    failed: r.errors + r.timeouts + r.non2xx,
  };
  console.log(JSON.stringify(row));
  return row;
}

try {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('build failed');
  const dataDir = mkdtempSync(join(tmpdir(), 'workers-bench-'));
  // subgraphs and emulators: one process, shared by both gateways
  const stack = run(['dist/scripts/start.js'], {
    WORKERS: '1',
    PORT: '0',
    DATA_DIR: dataDir,
    SUBGRAPH_SECRET: SECRET,
    LOG_LEVEL: 'info',
  });
  for (
    const until = Date.now() + 120_000;
    !stack.lines.some((l) => String(l.msg).startsWith('gateway ready'));
  ) {
    if (Date.now() > until || stack.child.exitCode !== null) throw new Error('npm start did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  const subgraphEnv = Object.fromEntries(
    parts.map((p) => [
      subgraphUrlVar(p),
      String(stack.lines.find((l) => l.msg === `${p.name} subgraph`)!.url),
    ]),
  );
  console.log(
    `machine: ${readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1]}, ${
      readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length
    } cores, Node ${process.version}; ${CONNECTIONS} connections, ${SECONDS} s after 2 s warm-up`,
  );
  const rows = [];
  let port = 4600 + Math.floor(Math.random() * 300);
  for (const n of COUNTS) {
    const ours = run(['dist/scripts/gateway.js'], {
      ...subgraphEnv,
      WORKERS: String(n),
      PORT: String(++port),
      SUBGRAPH_SECRET: SECRET,
      LOG_LEVEL: 'warn',
    });
    const oursUrl = `http://127.0.0.1:${port}/graphql`;
    await waitAnswering(oursUrl, ours.child, BODY, 120_000);
    rows.push(await measure(`ours, WORKERS=${n}`, oursUrl, ours.child.pid!));
    await stop(ours.child);
    const hive = run([join(ROOT, 'node_modules/.bin/hive-gateway'), 'supergraph', '--fork', String(n)], {
      ...subgraphEnv,
      PORT: String(++port),
      HOST: '127.0.0.1',
      SUBGRAPH_SECRET: SECRET,
      LOG_LEVEL: 'warn',
    });
    const hiveUrl = `http://127.0.0.1:${port}/graphql`;
    await waitAnswering(hiveUrl, hive.child, BODY, 120_000);
    rows.push(await measure(`Hive Gateway, --fork ${n}`, hiveUrl, hive.child.pid!));
    await stop(hive.child);
  }
  console.table(rows);
  rmSync(dataDir, { recursive: true, force: true });
} finally {
  await stopAll();
}
