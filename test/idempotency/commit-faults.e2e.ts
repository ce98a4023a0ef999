// Issue 12's promise for every keyed mutation of the four APIs: an upstream that makes the
// write and then answers 500, 503, a reset or nothing at all gets it sent exactly once per key.
// The first caller is told OUTCOME_UNKNOWN, a duplicate started while the first is in flight
// waits and gets the same answer, a later retry gets it replayed, and the emulator holds one
// write. A refusal (upstream's or our own validation) leaves the key free. Run on the embedded
// store (LMDB) and, when redis-server is installed, on Redis (one mutation per API).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DECLINED_PURCHASE_TOKEN } from '../../emulators/likenama/api.ts';
import type { Emulator, Fault } from '../../emulators/shared/emulator.ts';
import type { SmmEmulator } from '../../emulators/smm/index.ts';
import type { SolmateEmulator } from '../../emulators/solmate/index.ts';
import { keyedWrites } from '../../lib/metrics.ts';
import { resetBreakers } from '../../subgraphs/shared/breaker.ts';
import { REDIS_BIN, startRedis, type TestRedis } from '../helpers/redis.ts';
import { codes, type GqlResult } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';

type Vars = Record<string, unknown>;

interface Row {
  name: string;
  api: 'smm' | 'solmate' | 'solsub' | 'likenama';
  /** what the emulator calls the write */
  action: string;
  doc: string;
  vars: Vars;
  headers?: Record<string, string>;
  /** the payload's proof that the write was done */
  done: (data: Vars) => unknown;
  /** a documented refusal upstream: how to provoke it, and the input that then goes through */
  refused: { arrange?: (emu: Emulator) => void; vars: Vars; corrected: Vars; code: string };
  /** an input our own validation refuses before anything is sent */
  invalid: { vars: Vars; code: string };
}

const solmateOrder = {
  title: 'keyproof',
  network: 'VIESHOW',
  model: 'CPM',
  totalBudget: '20000',
  dailyBudget: '2000',
  materialUrl: 'https://cdn.solmate.cc/m.mp4',
  clickUrl: 'https://cdn.solmate.cc/c.jpg',
};
const smmInput = { service: '1', link: 'https://instagram.com/p/keyproof', quantity: 100 };
const campaign = { campaignClassId: '1092', targetUrl: 'https://instagram.com/p/keyproof', budget: 100 };
const phoebe = { 'x-likenama-token': 'demo-phoebe-token' };
const payload = (d: Vars, field: string) => d[field] as Record<string, unknown> | null;

const ROWS: Row[] = [
  {
    name: 'smmAddOrder',
    api: 'smm',
    action: 'sosyal/add',
    doc: `mutation($input: SmmAddOrderInput!, $key: String) { smmAddOrder(provider: "sosyal", input: $input, idempotencyKey: $key) { order { id } userErrors { code } } }`,
    vars: { input: smmInput },
    done: (d) => (payload(d, 'smmAddOrder')?.order as { id: string } | null)?.id,
    refused: {
      arrange: (emu) => {
        const panel = (emu as SmmEmulator).panels.get('sosyal')!;
        const balance = panel.balance;
        panel.balance = balance.minus(balance).plus('0.01');
        // given back before the corrected call
        refunds.push(() => (panel.balance = balance));
      },
      vars: { input: smmInput },
      corrected: { input: smmInput },
      code: 'NOT_ENOUGH_FUNDS',
    },
    invalid: { vars: { input: { ...smmInput, quantity: 1 } }, code: 'QUANTITY_TOO_LOW' },
  },
  {
    name: 'createOrder',
    api: 'solmate',
    action: 'createOrder',
    doc: `mutation($input: CreateOrderInput!, $key: String) { createOrder(input: $input, idempotencyKey: $key) { order { id } userErrors { code } } }`,
    vars: { input: solmateOrder },
    done: (d) => (payload(d, 'createOrder')?.order as { id: string } | null)?.id,
    refused: {
      arrange: (emu) => (emu as SolmateEmulator).solmate.refuseNext('createOrder', '素材審核未通過'),
      vars: { input: solmateOrder },
      corrected: { input: solmateOrder },
      code: 'REJECTED',
    },
    invalid: { vars: { input: { ...solmateOrder, title: '   ' } }, code: 'REQUIRED' },
  },
  {
    name: 'createMatchId',
    api: 'solsub',
    action: 'create-match-id',
    doc: `mutation($id: String!, $key: String) { createMatchId(matchId: $id, idempotencyKey: $key) { matchId { matchId } userErrors { code } } }`,
    vars: { id: 'KEYPROOF_1' },
    done: (d) => (payload(d, 'createMatchId')?.matchId as { matchId: string } | null)?.matchId,
    // PAID_001 exists: SolSub answers 409
    refused: { vars: { id: 'PAID_001' }, corrected: { id: 'KEYPROOF_1' }, code: 'DUPLICATE' },
    invalid: { vars: { id: 'not valid!' }, code: 'INVALID' },
  },
  {
    name: 'createCampaign',
    api: 'likenama',
    action: 'POST /api/campaigns',
    doc: `mutation($input: CreateCampaignInput!, $key: String) { createCampaign(input: $input, idempotencyKey: $key) { created userErrors { code } } }`,
    vars: { input: campaign },
    headers: phoebe,
    done: (d) => payload(d, 'createCampaign')?.created,
    refused: {
      vars: { input: { ...campaign, budget: 10_000_000 } },
      corrected: { input: campaign },
      code: 'NOT_ENOUGH_CREDIT',
    },
    invalid: { vars: { input: { ...campaign, budget: 0 } }, code: 'INVALID_BUDGET' },
  },
  {
    name: 'purchaseProduct',
    api: 'likenama',
    action: 'POST /api/products/:id/purchase',
    doc: `mutation($id: ID!, $key: String) { purchaseProduct(id: $id, idempotencyKey: $key) { code userErrors { code } } }`,
    vars: { id: '54' },
    headers: phoebe,
    done: (d) => payload(d, 'purchaseProduct')?.code,
    // product 56 is out of stock: Likenama answers 404
    refused: { vars: { id: '56' }, corrected: { id: '54' }, code: 'OUT_OF_STOCK' },
    invalid: { vars: { id: '54?x=1' }, code: 'INVALID_ID' },
  },
  {
    name: 'purchaseBundle',
    api: 'likenama',
    action: 'POST /api/bundles/:sku/purchase',
    doc: `mutation($sku: String!, $token: String!, $key: String) { purchaseBundle(sku: $sku, purchaseToken: $token, idempotencyKey: $key) { purchased userErrors { code } } }`,
    vars: { sku: 'lurline', token: 'tok-keyproof' },
    headers: phoebe,
    done: (d) => payload(d, 'purchaseBundle')?.purchased,
    refused: {
      vars: { sku: 'lurline', token: DECLINED_PURCHASE_TOKEN },
      corrected: { sku: 'lurline', token: 'tok-keyproof' },
      code: 'PAYMENT_FAILED',
    },
    invalid: { vars: { sku: '../campaigns', token: 'tok-keyproof' }, code: 'INVALID_SKU' },
  },
];

/** One row per API for the Redis run. */
const REDIS_ROWS = ROWS.filter((r) =>
  ['smmAddOrder', 'createOrder', 'createMatchId', 'purchaseProduct'].includes(r.name),
);

const COMMIT_FAULTS: Array<{ name: string; fault: Fault }> = [
  { name: 'commit then 500', fault: { kind: 'commitThenStatus', status: 500 } },
  { name: 'commit then 503', fault: { kind: 'commitThenStatus', status: 503 } },
  { name: 'commit then reset', fault: { kind: 'commitThenReset' } },
  { name: 'commit then hang', fault: { kind: 'commitThenHang' } },
];

const refunds: Array<() => void> = [];

async function keyed(outcome: string): Promise<number> {
  return (await keyedWrites.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const unknownAt = (r: GqlResult, path: string) => {
  expect(codes(r)).toEqual([{ path, code: 'OUTCOME_UNKNOWN' }]);
  expect(r.data?.[path] ?? null).toBeNull();
};

function suite(store: 'lmdb' | 'redis', rows: Row[], env: () => NodeJS.ProcessEnv) {
  let n = 0;
  // read at start: the Redis suite's URL exists only once its beforeAll has run
  // breakers off: every case must meet its own fault, not a circuit the last one opened
  const h = useStack(undefined, () => ({ env: { BREAKER_THRESHOLD: '0', ...env() } }));
  beforeEach(() => {
    for (const e of Object.values(h.stack.emulators)) e.reset();
    refunds.length = 0;
    resetBreakers();
  });

  const emu = (row: Row) => h.stack.emulators[row.api] as Emulator;
  const call = (row: Row, vars: Vars, key: string) => h.send<Vars>(row.doc, { ...vars, key }, row.headers);
  const keyOf = (row: Row, what: string) => `${store}-${row.name}-${what}-${++n}-${Date.now()}`;

  describe.each(rows)(`$name (${store} store)`, (row) => {
    it.each(COMMIT_FAULTS)('$name: OUTCOME_UNKNOWN for all three callers, one write', async ({ fault }) => {
      const key = keyOf(row, fault.kind);
      const hang = fault.kind === 'commitThenHang';
      // 500, 503 and reset wait for this before failing the answer, so the duplicate below is
      // surely started (and waiting) while the first call is in flight; a hang ends with our
      // own per-call timeout instead
      const held = gate();
      emu(row).setFault({ ...fault, match: row.action, times: 1, ...(hang ? {} : { hold: held.opened }) });

      const first = call(row, row.vars, key);
      await emu(row).whenHandled(row.action);
      const waited = await keyed('waited');
      const duplicate = call(row, row.vars, key);
      // (the bound only matters when it never comes: a busy machine may take a while)
      if (!hang)
        await vi.waitFor(async () => expect(await keyed('waited')).toBeGreaterThan(waited), {
          timeout: 15_000,
          interval: 10,
        });
      held.open();

      const [a, b] = await Promise.all([first, duplicate]);
      unknownAt(a, row.name);
      expect(a.errors![0]!.extensions!.idempotentReplay).toBeUndefined();
      // it waited for the first and replays its outcome (or, for a hang, may have come after it)
      unknownAt(b, row.name);
      expect(b.errors![0]!.extensions!.idempotentReplay).toBe(true);

      const retry = await call(row, row.vars, key);
      unknownAt(retry, row.name);
      expect(retry.errors![0]!.extensions!.idempotentReplay).toBe(true);
      expect(retry.errors![0]!.message).toBe(a.errors![0]!.message);

      expect(emu(row).calls(row.action)).toHaveLength(1);
    });

    it(`a refusal upstream (${row.refused.code}) frees the key: the corrected call is sent`, async () => {
      const key = keyOf(row, 'refused');
      row.refused.arrange?.(emu(row));
      const refused = await call(row, row.refused.vars, key);
      expect(refused.errors).toBeUndefined();
      expect(
        (payload(refused.data!, row.name)!.userErrors as Array<{ code: string }>).map((e) => e.code),
      ).toEqual([row.refused.code]);
      expect(emu(row).calls(row.action)).toHaveLength(1);
      for (const refund of refunds) refund();

      const corrected = await call(row, row.refused.corrected, key);
      expect(corrected.errors).toBeUndefined();
      expect(row.done(corrected.data!)).toBeTruthy();
      expect(emu(row).calls(row.action)).toHaveLength(2);
      // and now the key holds the corrected call's outcome
      const again = await call(row, row.refused.corrected, key);
      expect(row.done(again.data!)).toEqual(row.done(corrected.data!));
      expect(emu(row).calls(row.action)).toHaveLength(2);
    });

    it(`our own validation's refusal (${row.invalid.code}) is not stored`, async () => {
      const key = keyOf(row, 'invalid');
      const invalid = await call(row, row.invalid.vars, key);
      expect(invalid.errors).toBeUndefined();
      expect(
        (payload(invalid.data!, row.name)!.userErrors as Array<{ code: string }>).map((e) => e.code),
      ).toEqual([row.invalid.code]);
      expect(emu(row).calls(row.action)).toHaveLength(0);
      // a stored refusal would make this BAD_USER_INPUT (same key, other input)
      const valid = await call(row, row.vars, key);
      expect(valid.errors).toBeUndefined();
      expect(row.done(valid.data!)).toBeTruthy();
      expect(emu(row).calls(row.action)).toHaveLength(1);
    });
  });
}

describe('embedded store (LMDB in DATA_DIR, as npm start runs it)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyproof-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  suite('lmdb', ROWS, () => ({ DATA_DIR: dataDir }));
});

describe.skipIf(!REDIS_BIN)('Redis store', () => {
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  suite('redis', REDIS_ROWS, () => ({ REDIS_URL: redis!.url, REDIS_PREFIX: `keyproof-${Date.now()}:` }));
});
