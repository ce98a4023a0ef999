import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDemoSmmEmulator, DEMO_PANELS, type SmmEmulator } from '../../emulators/smm/index.ts';
import { smmPart } from '../../stack/parts/smm.ts';
import { codes } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';
import { REDIS_BIN, startRedis } from '../helpers/redis.ts';

let emu: SmmEmulator;
let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
let env: NodeJS.ProcessEnv;

const ADD = /* GraphQL */ `
  mutation Add($input: SmmAddOrderInput!, $key: String) {
    smmAddOrder(provider: "sosyal", input: $input, idempotencyKey: $key) {
      order {
        id
      }
      userErrors {
        code
      }
    }
  }
`;
const input = { service: '1', link: 'https://instagram.com/p/idem', quantity: 100 };
type AddResult = { smmAddOrder: { order: { id: string } | null } };

// Two replicas of the SMM subgraph and gateway, sharing one panel and (when installed) one
// Redis, as a scaled-out deployment would.
beforeAll(async () => {
  emu = createDemoSmmEmulator();
  const url = await emu.listen();
  const p = DEMO_PANELS[0]!;
  if (REDIS_BIN) redis = await startRedis();
  else console.warn('redis-server is not installed: replicas share no store, the race test is skipped');
  env = {
    UPSTREAM_TIMEOUT_MS: '1500',
    IDEMPOTENCY_WAIT_MS: '5000',
    SMM_PROVIDERS: JSON.stringify([
      { id: 'sosyal', url: `${url}/sosyal/api/v2`, key: p.key },
      // asked only by the cache test, so its catalogue is cold until then
      { id: 'cold', url: `${url}/sosyal/api/v2`, key: p.key },
    ]),
    ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: `idem-e2e-${Date.now()}:` } : {}),
  };
});
afterAll(async () => {
  await emu.close();
  await redis?.stop();
});
// after the hooks above: both start once the panel and Redis are up, and close before they stop;
// not emulated, so SMM_PROVIDERS is read as a deployment's would be
const replicas = [0, 1].map(() => useStack([smmPart], () => ({ forceEmulators: false, env })));
beforeEach(() => emu.reset());

const add = (replica: number, key: string | null, inp: Record<string, unknown> = input) =>
  replicas[replica]!.send<AddResult>(ADD, { input: inp, key });

describe('idempotent smmAddOrder', () => {
  it('places the order once for a repeated key and returns the same order', async () => {
    const a = await add(0, 'order-a');
    const b = await add(0, 'order-a');
    expect(a.data!.smmAddOrder.order!.id).toBe(b.data!.smmAddOrder.order!.id);
    expect(emu.calls('sosyal/add')).toHaveLength(1);
  });

  it('places two orders without a key', async () => {
    await add(0, null);
    await add(0, null);
    expect(emu.calls('sosyal/add')).toHaveLength(2);
  });

  it('refuses the same key with another input', async () => {
    await add(0, 'order-b');
    const r = await add(0, 'order-b', { ...input, quantity: 200 });
    expect(codes(r)).toEqual([{ path: 'smmAddOrder', code: 'BAD_USER_INPUT' }]);
    expect(emu.calls('sosyal/add')).toHaveLength(1);
  });

  it('keeps OUTCOME_UNKNOWN for the key, so a retry after a timeout never books twice', async () => {
    emu.setFault({ kind: 'hang', match: 'sosyal/add', times: 1 });
    const first = await add(0, 'order-c');
    expect(codes(first)).toEqual([{ path: 'smmAddOrder', code: 'OUTCOME_UNKNOWN' }]);
    const retry = await add(0, 'order-c');
    expect(codes(retry)).toEqual([{ path: 'smmAddOrder', code: 'OUTCOME_UNKNOWN' }]);
    expect(retry.errors![0]!.extensions!.idempotentReplay).toBe(true);
    expect(emu.calls('sosyal/add')).toHaveLength(1);
  });

  it.skipIf(!REDIS_BIN)('lets two replicas racing on one key make exactly one upstream call', async () => {
    emu.setFault({ kind: 'latency', ms: 300, match: 'sosyal/add' });
    const results = await Promise.all([
      add(0, 'race-1'),
      add(1, 'race-1'),
      add(1, 'race-1'),
      add(0, 'race-1'),
    ]);
    const ids = results.map((r) => r.data?.smmAddOrder.order?.id);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^\d+$/);
    expect(emu.calls('sosyal/add')).toHaveLength(1);
  });

  it.skipIf(!REDIS_BIN)('shares the services cache between replicas', async () => {
    await replicas[0]!.send('{ smmServices(provider: "cold") { id } }');
    expect(emu.calls('sosyal/services')).toHaveLength(1);
    const r = await replicas[1]!.send('{ smmServices(provider: "cold") { id } }');
    expect(r.errors).toBeUndefined();
    expect(emu.calls('sosyal/services')).toHaveLength(1);
  });
});
