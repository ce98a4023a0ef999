// `npm start` with WORKERS=2 as operators run it, compiled (package.json's start command): two
// worker processes answer on the one port, a keyed write sent to both at once goes upstream
// once (the records are shared through DATA_DIR), /metrics sums over the workers whichever one
// answers, a worker that dies is restarted, and SIGTERM drains a request in flight and exits 0.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childrenOf, parentOf } from '../../bench/proc.ts';
import { ROOT, runCommand, type Command } from '../helpers/process.ts';
import { gql } from '../helpers/stack.ts';

const SLOW = 240_000;
const dataDir = mkdtempSync(join(tmpdir(), 'workers-data-'));
let cmd: Command;
let url: string;
let smmOrigin: string;

/** a fresh connection per request: the primary hands each new connection to the next worker */
const fresh = { reset: true } as const;

async function health(): Promise<{ worker?: number; pid?: number }> {
  const res = await request(new URL('/health', url), fresh);
  return (await res.body.json()) as { worker?: number; pid?: number };
}

async function metrics(): Promise<string> {
  const res = await request(new URL('/metrics', url), fresh);
  expect(res.statusCode).toBe(200);
  return res.body.text();
}

/** the sum of a metric's series whose labels include every one of `labels` */
function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`).exec(line);
    if (!m) continue;
    if (Object.entries(labels).every(([k, v]) => (m[1] ?? '').includes(`${k}="${v}"`))) sum += Number(m[2]);
  }
  return sum;
}

const emulator = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => {
  const res = await request(`${smmOrigin}/__emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.body.json() as Promise<unknown>;
};
const adds = async () =>
  ((await emulator('GET', 'requests')) as Array<{ action: string }>).filter((r) => r.action === 'sosyal/add');

const addOrder = (name: string) => `mutation ${name}($key: String) {
  smmAddOrder(provider: "sosyal", input: { service: "1", link: "https://instagram.com/p/workers", quantity: 100 }, idempotencyKey: $key) {
    order { id } userErrors { code }
  }
}`;
type Added = { smmAddOrder: { order: { id: string } | null } };

/** package.json's start command as npm runs it: node, its flags, dist/scripts/start.js */
function startCommand(env: NodeJS.ProcessEnv, opts: { detached?: boolean } = {}): Command {
  const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
    scripts: { start: string };
  };
  const [, ...args] = pkg.scripts.start.split(/\s+/);
  return runCommand(args.at(-1)!, [], env, { execArgv: args.slice(0, -1), ...opts });
}

beforeAll(async () => {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
    cwd: fileURLToPath(ROOT),
    stdio: 'inherit',
  });
  expect(built.status).toBe(0);
  cmd = startCommand({ WORKERS: '2', PORT: '0', DATA_DIR: dataDir });
  url = String((await cmd.waitFor((l) => String(l.msg).startsWith('gateway ready'))).url);
  smmOrigin = new URL(String(cmd.lines.find((l) => l.msg === 'smm emulator')!.url)).origin;
}, SLOW);

afterAll(async () => {
  await cmd?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start, WORKERS=2', () => {
  it('answers from two worker processes of the one command', async () => {
    const pids = new Set<number>();
    for (let i = 0; i < 20 && pids.size < 2; i++) pids.add((await health()).pid!);
    expect(pids.size).toBe(2);
    for (const pid of pids) expect(parentOf(pid)).toBe(cmd.child.pid);
    const ready = await request(new URL('/ready', url), fresh);
    expect(ready.statusCode).toBe(200);
    expect(((await ready.body.json()) as { status: string }).status).toBe('ready');
  });

  it(
    'a keyed write sent to both workers at once goes upstream once; /metrics sums both',
    async () => {
      // slow enough upstream that the second arrives while the first is in flight
      await emulator('POST', 'latency', { ms: 300 });
      let attempt = 0;
      let pids: Set<unknown>;
      // the primary hands two new connections to two workers; should both land on one, try again
      do {
        attempt++;
        await emulator('DELETE', 'requests');
        const key = `workers-key-${attempt}`;
        const [a, b] = await Promise.all(
          ['A', 'B'].map(async (n) => {
            const res = await request(url, {
              ...fresh,
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                query: addOrder(`Keyed${n}${attempt}`),
                operationName: `Keyed${n}${attempt}`,
                variables: { key },
              }),
            });
            return (await res.body.json()) as { data?: Added; errors?: unknown };
          }),
        );
        expect(a!.errors).toBeUndefined();
        expect(b!.errors).toBeUndefined();
        expect(a!.data!.smmAddOrder.order!.id).toBe(b!.data!.smmAddOrder.order!.id);
        expect(await adds()).toHaveLength(1);
        const logged = await Promise.all(
          ['A', 'B'].map((n) =>
            cmd.waitFor((l) => l.msg === 'graphql request' && l.operationName === `Keyed${n}${attempt}`),
          ),
        );
        pids = new Set(logged.map((l) => l.pid));
      } while (pids.size < 2 && attempt < 5);
      expect(pids.size).toBe(2);
      await emulator('POST', 'latency', { ms: 0 });

      // whichever worker answers the scrape, it counts both workers' requests
      for (let i = 0; i < 2; i++) {
        const text = await metrics();
        expect(metricSum(text, 'graphql_requests_total', { service: 'gateway', operation: 'mutation' })).toBe(
          2 * attempt,
        );
        expect(metricSum(text, 'idempotency_keyed_writes_total', { outcome: 'sent' })).toBe(attempt);
        expect(metricSum(text, 'upstream_requests_total', { api: 'smm', action: 'add' })).toBe(attempt);
        expect(metricSum(text, 'cluster_workers_ready')).toBe(2);
      }
    },
    SLOW,
  );

  it(
    'a worker that dies is restarted, logged, and counted',
    async () => {
      const victim = (await health()).pid!;
      process.kill(victim, 'SIGKILL');
      await cmd.waitFor((l) => l.msg === 'worker died: starting another' && l.pid === victim);
      const restarted = await cmd.waitFor((l) => l.msg === 'worker restarted');
      expect(restarted.pid).not.toBe(victim);
      const r = await gql(url, '{ smmProviders { id } }');
      expect(r.errors).toBeUndefined();
      expect(metricSum(await metrics(), 'cluster_worker_restarts_total')).toBe(1);
    },
    SLOW,
  );

  it(
    'SIGTERM: a request in flight on a worker finishes, then the command exits 0',
    async () => {
      await emulator('DELETE', 'requests');
      await emulator('POST', 'latency', { ms: 1500 });
      const inFlight = gql(url, '{ smmOrder(provider: "sosyal", id: "23501") { id status } }');
      // the upstream call has arrived (recorded before the emulator's latency): the request is in flight
      for (let i = 0; i < 400; i++) {
        const seen = (await emulator('GET', 'requests')) as unknown[];
        if (seen.length > 0) break;
        await new Promise((r) => setImmediate(r));
      }
      cmd.child.kill('SIGTERM');
      const r = await inFlight;
      expect(r.errors).toBeUndefined();
      expect(r.data).toMatchObject({ smmOrder: { id: '23501' } });
      expect(await cmd.exited).toEqual({ code: 0, signal: null });
      expect(cmd.lines.filter((l) => l.msg === 'stopped')).toHaveLength(2);
    },
    SLOW,
  );
});

describe('npm start, WORKERS=2, SIGTERM to its whole process group', () => {
  // systemd's default KillMode (control-group) and timeout(1) signal every process, so each
  // worker gets SIGTERM twice: from the supervisor and from its primary. The second must not
  // end the worker's drain with Node's default action (a death by signal, exit 1 overall).
  it(
    'every process drains once and the command exits 0',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'workers-group-'));
      const group = startCommand({ WORKERS: '2', PORT: '0', DATA_DIR: dir }, { detached: true });
      try {
        const at = String((await group.waitFor((l) => String(l.msg).startsWith('gateway ready'))).url);
        expect(
          (await gql(at, '{ smmOrder(provider: "sosyal", id: "23501") { id } }')).errors,
        ).toBeUndefined();
        process.kill(-group.child.pid!, 'SIGTERM');
        expect(await group.exited).toEqual({ code: 0, signal: null });
        expect(group.lines.filter((l) => l.msg === 'stopped')).toHaveLength(2);
        expect(group.lines.some((l) => l.msg === 'a worker did not stop cleanly')).toBe(false);
      } finally {
        await group.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});

describe('npm start, WORKERS=2, workers that keep dying', () => {
  it(
    'past 5 deaths in a minute the primary stops and exits 1, for its supervisor to act',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'workers-loop-'));
      const loop = startCommand({ WORKERS: '2', PORT: '0', DATA_DIR: dir });
      try {
        await loop.waitFor((l) => String(l.msg).startsWith('gateway ready'));
        const restarted = () => loop.lines.filter((l) => l.msg === 'worker restarted').length;
        for (let death = 1; death <= 6; death++) {
          process.kill(childrenOf(loop.child.pid!)[0]!, 'SIGKILL');
          if (death <= 5) await loop.waitFor(() => restarted() >= death);
        }
        await loop.waitFor((l) => l.msg === 'workers keep dying: stopping (exit 1)');
        expect((await loop.exited).code).toBe(1);
        expect(restarted()).toBe(5);
      } finally {
        await loop.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});
