// Keys survive a restart of the product as operators run it: `npm start` (gateway and four
// subgraphs in one process) against emulators in their own process (`npm run emulators`), so
// the upstreams' state outlives the restarts, with one temporary DATA_DIR. Stopped cleanly
// (SIGTERM) or killed mid-call (SIGKILL after the upstream made the write), a retry with the
// same key never sends the write again. `npm run subgraph -- <api>` keeps its records in
// ./data the same way.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSolmateEmulator, demoSolmateEnv } from '../../emulators/solmate/index.ts';
import type { RecordedRequest } from '../../emulators/shared/emulator.ts';
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';
import { runCommand, urlFrom, type Command } from '../helpers/process.ts';
import { codes, gql, type GqlResult } from '../helpers/stack.ts';

// each start loads the whole graph from source: seconds on a busy machine
const SLOW = 240_000;
const started: Command[] = [];
const run = (...a: Parameters<typeof runCommand>) => {
  const c = runCommand(...a);
  started.push(c);
  return c;
};
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  await Promise.all(started.map((c) => c.kill()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const CREATE_ORDER = `mutation($key: String) {
  createOrder(
    input: { title: "restart", network: VIESHOW, model: CPM, totalBudget: "20000", dailyBudget: "2000",
             materialUrl: "https://cdn.solmate.cc/m.mp4", clickUrl: "https://cdn.solmate.cc/c.jpg" }
    idempotencyKey: $key
  ) { order { id } userErrors { code } }
}`;
const ADD_ORDER = `mutation($key: String) {
  smmAddOrder(provider: "sosyal", input: { service: "1", link: "https://instagram.com/p/restart", quantity: 100 }, idempotencyKey: $key) {
    order { id } userErrors { code }
  }
}`;
type Ordered = Record<string, { order: { id: string } | null } | null>;
const orderId = (r: GqlResult<Ordered>, field: string) => r.data?.[field]?.order?.id;

/** An emulator in the emulators' process, driven through its /__emulator/ controls. */
function controls(origin: string) {
  const call = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => {
    const res = await request(`${origin}/__emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.body.json();
  };
  return {
    writes: async (action: string) =>
      ((await call('GET', 'requests')) as RecordedRequest[]).filter((r) => r.action === action),
    fault: (fault: Record<string, unknown>) => call('POST', 'faults', fault),
    clearRequests: () => call('DELETE', 'requests'),
    /** answers once the write was made (a long poll: no sleeping) */
    handled: (action: string) => call('GET', `handled?action=${encodeURIComponent(action)}`),
  };
}

describe('npm start restarted on the same DATA_DIR, emulators in their own process', () => {
  let upstreamEnv: Record<string, string>;
  let solmate: ReturnType<typeof controls>;
  let smm: ReturnType<typeof controls>;
  const dataDir = tempDir('restart-data-');

  beforeAll(async () => {
    const envFile = join(tempDir('restart-emu-'), 'env.json');
    const emulators = run('scripts/emulators.ts', ['--env-json', envFile], { PORT: '0' });
    await emulators.waitFor((l) => l.msg === 'emulators ready');
    upstreamEnv = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
    solmate = controls(new URL(upstreamEnv.SOLMATE_URL!).origin);
    const providers = JSON.parse(upstreamEnv.SMM_PROVIDERS!) as Array<{ id: string; url: string }>;
    smm = controls(new URL(providers.find((p) => p.id === 'sosyal')!.url).origin);
  }, SLOW);

  /** `npm start` pointed at the emulators, on free ports, with the test's data directory */
  const start = async () => {
    const cmd = run('scripts/start.ts', [], {
      ...upstreamEnv,
      PORT: '0',
      DATA_DIR: dataDir,
      // older than this, a call that was sent and never resolved is OUTCOME_UNKNOWN (the retry
      // after the kill below waits until then instead of answering CONFLICT)
      IDEMPOTENCY_PENDING_TTL_MS: '1000',
      IDEMPOTENCY_WAIT_MS: '20000',
    });
    const ready = await cmd.waitFor((l) => String(l.msg).startsWith('gateway ready'));
    expect(ready.dataDir).toBe(dataDir);
    return { cmd, url: String(ready.url) };
  };

  it(
    'SIGTERM: the same keys replay the first orders, one upstream write each',
    async () => {
      const first = await start();
      const order = await gql<Ordered>(first.url, CREATE_ORDER, { key: 'restart-order-1' });
      const add = await gql<Ordered>(first.url, ADD_ORDER, { key: 'restart-add-1' });
      expect(order.errors).toBeUndefined();
      expect(add.errors).toBeUndefined();
      first.cmd.child.kill('SIGTERM');
      expect((await first.cmd.exited).code).toBe(0);

      const again = await start();
      const order2 = await gql<Ordered>(again.url, CREATE_ORDER, { key: 'restart-order-1' });
      const add2 = await gql<Ordered>(again.url, ADD_ORDER, { key: 'restart-add-1' });
      expect(orderId(order2, 'createOrder')).toBe(orderId(order, 'createOrder'));
      expect(orderId(add2, 'smmAddOrder')).toBe(orderId(add, 'smmAddOrder'));
      expect(orderId(order, 'createOrder')).toMatch(/^\d+$/);
      expect(orderId(add, 'smmAddOrder')).toMatch(/^\d+$/);
      expect(await solmate.writes('createOrder')).toHaveLength(1);
      expect(await smm.writes('sosyal/add')).toHaveLength(1);
      again.cmd.child.kill('SIGTERM');
      expect((await again.cmd.exited).code).toBe(0);
    },
    SLOW,
  );

  it(
    'SIGKILL after the upstream made the write, its answer hanging: the retry after a restart is OUTCOME_UNKNOWN, never sent again',
    async () => {
      await solmate.clearRequests();
      await smm.clearRequests();
      const first = await start();
      await solmate.fault({ kind: 'commitThenHang', match: 'createOrder', times: 1 });
      await smm.fault({ kind: 'commitThenHang', match: 'sosyal/add', times: 1 });
      // the callers lose their connection when the process dies
      const inFlight = [
        gql(first.url, CREATE_ORDER, { key: 'killed-order' }).catch((e: unknown) => e),
        gql(first.url, ADD_ORDER, { key: 'killed-add' }).catch((e: unknown) => e),
      ];
      await Promise.all([solmate.handled('createOrder'), smm.handled('sosyal/add')]);
      await first.cmd.kill('SIGKILL');
      await Promise.all(inFlight);

      const again = await start();
      for (const [doc, key, field] of [
        [CREATE_ORDER, 'killed-order', 'createOrder'],
        [ADD_ORDER, 'killed-add', 'smmAddOrder'],
      ] as const) {
        for (let attempt = 0; attempt < 2; attempt++) {
          const retry = await gql<Ordered>(again.url, doc, { key });
          expect(codes(retry)).toEqual([{ path: field, code: 'OUTCOME_UNKNOWN' }]);
          expect(retry.errors![0]!.extensions!.idempotentReplay).toBe(true);
        }
      }
      expect(await solmate.writes('createOrder')).toHaveLength(1);
      expect(await smm.writes('sosyal/add')).toHaveLength(1);
      again.cmd.child.kill('SIGTERM');
      expect((await again.cmd.exited).code).toBe(0);
    },
    SLOW,
  );
});

describe('npm run subgraph -- <api> alone', () => {
  const emulator = createSolmateEmulator();
  let upstreamEnv: Record<string, string>;
  beforeAll(async () => {
    upstreamEnv = demoSolmateEnv(await emulator.listen());
  });
  afterAll(() => emulator.close());

  it(
    'keeps its records in ./data without DATA_DIR, so a key replays after a restart',
    async () => {
      const cwd = tempDir('subgraph-cwd-');
      const secret = 'test-secret-0123456789abcdef';
      const start = async () => {
        const cmd = run(
          'scripts/subgraph.ts',
          ['solmate'],
          { ...upstreamEnv, SUBGRAPH_SECRET: secret, PORT: '0', DATA_DIR: '' },
          { cwd },
        );
        const url = await urlFrom(cmd, 'solmate subgraph ready');
        return { cmd, url };
      };
      const send = (url: string) =>
        gql<Ordered>(url, CREATE_ORDER, { key: 'alone-1' }, { [GATEWAY_SECRET_HEADER]: secret });

      const first = await start();
      expect(first.cmd.lines.find((l) => String(l.msg).startsWith('solmate subgraph ready'))?.dataDir).toBe(
        join(cwd, 'data'),
      );
      const a = await send(first.url);
      expect(a.errors).toBeUndefined();
      first.cmd.child.kill('SIGTERM');
      expect((await first.cmd.exited).code).toBe(0);
      expect(statSync(join(cwd, 'data', 'idempotency')).isDirectory()).toBe(true);

      const again = await start();
      const b = await send(again.url);
      expect(orderId(b, 'createOrder')).toBe(orderId(a, 'createOrder'));
      expect(emulator.calls('createOrder')).toHaveLength(1);
      again.cmd.child.kill('SIGTERM');
      expect((await again.cmd.exited).code).toBe(0);
    },
    SLOW,
  );
});
