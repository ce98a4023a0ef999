import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDemoSmmEmulator, DEMO_PANELS, type SmmEmulator } from '../../emulators/smm/index.ts';
import { startStack, type Stack } from '../../stack/index.ts';
import { smmPart } from '../../stack/parts/smm.ts';
import { codes, gql, TEST_ENV } from '../helpers/stack.ts';
import { REDIS_BIN, startRedis } from '../helpers/redis.ts';

let emu: SmmEmulator;
let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
const replicas: Stack[] = [];

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
  const env = {
    ...TEST_ENV,
    UPSTREAM_TIMEOUT_MS: '1500',
    IDEMPOTENCY_WAIT_MS: '5000',
    SMM_PROVIDERS: JSON.stringify([
      { id: 'sosyal', url: `${url}/sosyal/api/v2`, key: p.key },
      // asked only by the cache test, so its catalogue is cold until then
      { id: 'cold', url: `${url}/sosyal/api/v2`, key: p.key },
    ]),
    ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: `idem-e2e-${Date.now()}:` } : {}),
  };
  for (let i = 0; i < 2; i++) replicas.push(await startStack({ parts: [smmPart], env }));
});
afterAll(async () => {
  for (const r of replicas) await r.close();
  await emu.close();
  await redis?.stop();
});
beforeEach(() => emu.reset());

const add = (replica: number, key: string | null, inp: Record<string, unknown> = input) =>
  gql<AddResult>(replicas[replica]!.gatewayUrl, ADD, { input: inp, key });

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
    await gql(replicas[0]!.gatewayUrl, '{ smmServices(provider: "cold") { id } }');
    expect(emu.calls('sosyal/services')).toHaveLength(1);
    const r = await gql(replicas[1]!.gatewayUrl, '{ smmServices(provider: "cold") { id } }');
    expect(r.errors).toBeUndefined();
    expect(emu.calls('sosyal/services')).toHaveLength(1);
  });
});
