// Two sets of Node/V8 flags for `npm start`'s process, side by side: `node <flags>
// dist/scripts/start.js` with WORKERS=1 (gateway, subgraphs and emulators in one process),
// started afresh for every round, the two sets alternating, one SMM order status under
// autocannon. Per round and set: CPU ms per request (the whole process: main thread, GC and
// compiler threads, emulators) and the process's peak RSS during the load; then the median of the
// rounds. Compare the two columns of one run, not figures of different runs.
//   npx tsx bench/node-flags.ts                                  (npm start's flags against them + --no-maglev)
//   FLAGS_BENCH_A="--max-semi-space-size=2" FLAGS_BENCH_B="--max-semi-space-size=1" npx tsx bench/node-flags.ts
//   FLAGS_BENCH_ROUNDS=3 FLAGS_BENCH_SECONDS=10 FLAGS_BENCH_CONNECTIONS=1,16
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { postLoad, waitAnswering } from './post-load.ts';
import { cpuSecondsOf, rssOf } from './proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.env.FLAGS_BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.FLAGS_BENCH_SECONDS ?? 10);
const CONNECTIONS = (process.env.FLAGS_BENCH_CONNECTIONS ?? '1,16').split(',').map(Number);
const PORT = Number(process.env.FLAGS_BENCH_PORT ?? 4590);
const BODY = JSON.stringify({
  query:
    '{ smmOrder(provider: "sosyal", id: "23501") { id status statusText charge startCount remains currency } }',
});

/** npm start's own flags: what package.json's start script gives node before the script */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(1, words.indexOf('dist/scripts/start.js'));
}
const flagsOf = (v: string | undefined, fallback: string[]) =>
  v === undefined ? fallback : v.split(/\s+/).filter(Boolean);
const npmStart = startFlags();
const sets = {
  A: flagsOf(
    process.env.FLAGS_BENCH_A,
    npmStart.filter((f) => f !== '--no-maglev'),
  ),
  B: flagsOf(process.env.FLAGS_BENCH_B, [...npmStart.filter((f) => f !== '--no-maglev'), '--no-maglev']),
};

async function round(flags: string[], connections: number) {
  const child = spawn(process.execPath, [...flags, 'dist/scripts/start.js'], {
    cwd: ROOT,
    env: { ...process.env, WORKERS: '1', PORT: String(PORT), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${PORT}/graphql`;
  try {
    await waitAnswering(url, child, BODY, 60_000);
    await postLoad(url, BODY, connections, 3); // warm-up: JIT, connections
    const pid = child.pid!;
    const cpuBefore = cpuSecondsOf(pid);
    let rssMax = rssOf(pid);
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssOf(pid))), 250);
    const r = await postLoad(url, BODY, connections, SECONDS);
    clearInterval(sampler);
    const failed = r.errors + r.timeouts + r.non2xx;
    if (failed > 0) throw new Error(`${failed} requests failed`);
    return {
      cpuMsPerReq: ((cpuSecondsOf(pid) - cpuBefore) * 1000) / r.requests.total,
      rssMaxMiB: Math.max(rssMax, rssOf(pid)) / 1048576,
    };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (built.status !== 0) throw new Error('build failed');
console.log(`A: node ${sets.A.join(' ')}\nB: node ${sets.B.join(' ')}`);
for (const connections of CONNECTIONS) {
  const rows: Record<'A' | 'B', Array<{ cpuMsPerReq: number; rssMaxMiB: number }>> = { A: [], B: [] };
  for (let i = 1; i <= ROUNDS; i++) {
    for (const name of ['A', 'B'] as const) {
      const row = await round(sets[name], connections);
      rows[name].push(row);
      console.log(
        `c${connections} round ${i} ${name}: ${row.cpuMsPerReq.toFixed(3)} CPU ms/req, peak RSS ${row.rssMaxMiB.toFixed(1)} MiB`,
      );
    }
  }
  const m = (name: 'A' | 'B', k: 'cpuMsPerReq' | 'rssMaxMiB') => median(rows[name].map((r) => r[k]));
  console.log(
    `c${connections} median: CPU ms/req A ${m('A', 'cpuMsPerReq').toFixed(3)}, B ${m('B', 'cpuMsPerReq').toFixed(3)}` +
      ` (B÷A ${(m('B', 'cpuMsPerReq') / m('A', 'cpuMsPerReq')).toFixed(2)}); peak RSS A ${m('A', 'rssMaxMiB').toFixed(1)}, B ${m('B', 'rssMaxMiB').toFixed(1)} MiB`,
  );
}
