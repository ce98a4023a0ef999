import { beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulators/shared/emulator.ts';
import { resetBreakers } from '../../subgraphs/shared/breaker.ts';
import { codes } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';

/**
 * Every mutation that spends money or creates something upstream takes an idempotencyKey.
 * One table row per mutation: how to call it, with which input, and what the emulator
 * records for its upstream call. (SMM's smmAddOrder has its own file, with the replica race.)
 */
interface Row {
  name: string;
  api: 'solmate' | 'solsub' | 'likenama';
  action: string;
  doc: string;
  vars: Record<string, unknown>;
  otherVars: Record<string, unknown>;
  headers?: Record<string, string>;
  /** the payload's proof of success, for comparing first call and replay */
  result: (data: Record<string, unknown>) => unknown;
}

const solmateOrder = {
  title: 'idem',
  network: 'VIESHOW',
  model: 'CPM',
  totalBudget: '20000',
  dailyBudget: '2000',
  materialUrl: 'https://cdn.solmate.cc/m.mp4',
  clickUrl: 'https://cdn.solmate.cc/c.jpg',
};
const phoebe = { 'x-likenama-token': 'demo-phoebe-token' };

const ROWS: Row[] = [
  {
    name: 'createOrder',
    api: 'solmate',
    action: 'createOrder',
    doc: `mutation($input: CreateOrderInput!, $key: String) { createOrder(input: $input, idempotencyKey: $key) { order { id } userErrors { code } } }`,
    vars: { input: solmateOrder },
    otherVars: { input: { ...solmateOrder, title: 'other' } },
    result: (d) => (d.createOrder as { order: { id: string } }).order.id,
  },
  {
    name: 'createMatchId',
    api: 'solsub',
    action: 'create-match-id',
    doc: `mutation($id: String!, $key: String) { createMatchId(matchId: $id, idempotencyKey: $key) { matchId { matchId } userErrors { code } } }`,
    vars: { id: 'IDEM_001' },
    otherVars: { id: 'IDEM_002' },
    result: (d) => (d.createMatchId as { matchId: { matchId: string } }).matchId.matchId,
  },
  {
    name: 'createCampaign',
    api: 'likenama',
    action: 'POST /api/campaigns',
    doc: `mutation($input: CreateCampaignInput!, $key: String) { createCampaign(input: $input, idempotencyKey: $key) { created userErrors { code } } }`,
    vars: { input: { campaignClassId: '1092', targetUrl: 'https://instagram.com/p/idem', budget: 100 } },
    otherVars: { input: { campaignClassId: '1092', targetUrl: 'https://instagram.com/p/idem', budget: 200 } },
    headers: phoebe,
    result: (d) => (d.createCampaign as { created: boolean }).created,
  },
  {
    name: 'purchaseProduct',
    api: 'likenama',
    action: 'POST /api/products/:id/purchase',
    doc: `mutation($id: ID!, $key: String) { purchaseProduct(id: $id, idempotencyKey: $key) { code userErrors { code } } }`,
    vars: { id: '54' },
    otherVars: { id: '55' },
    headers: phoebe,
    result: (d) => (d.purchaseProduct as { code: string }).code,
  },
  {
    name: 'purchaseBundle',
    api: 'likenama',
    action: 'POST /api/bundles/:sku/purchase',
    doc: `mutation($sku: String!, $key: String) { purchaseBundle(sku: $sku, purchaseToken: "tok-idem", idempotencyKey: $key) { purchased userErrors { code } } }`,
    vars: { sku: 'lurline' },
    otherVars: { sku: 'coins_1000' },
    headers: phoebe,
    result: (d) => (d.purchaseBundle as { purchased: boolean }).purchased,
  },
];

const h = useStack();
beforeEach(() => {
  for (const e of Object.values(h.stack.emulators)) e.reset();
  resetBreakers();
});

const emu = (row: Row) => h.stack.emulators[row.api] as Emulator;
const call = (row: Row, vars: Record<string, unknown>, key: string | null) =>
  h.send<Record<string, unknown>>(row.doc, { ...vars, key }, row.headers);

describe.each(ROWS)('idempotencyKey on $name', (row) => {
  it('calls upstream once for a repeated key and replays the first outcome', async () => {
    const key = `${row.name}-once`;
    const first = await call(row, row.vars, key);
    expect(first.errors).toBeUndefined();
    const again = await call(row, row.vars, key);
    expect(again.errors).toBeUndefined();
    expect(row.result(again.data!)).toEqual(row.result(first.data!));
    expect(row.result(first.data!)).toBeTruthy();
    expect(emu(row).calls(row.action)).toHaveLength(1);
  });

  it('refuses the same key with another input, without calling upstream again', async () => {
    const key = `${row.name}-other`;
    await call(row, row.vars, key);
    const r = await call(row, row.otherVars, key);
    expect(codes(r)).toEqual([{ path: row.name, code: 'BAD_USER_INPUT' }]);
    expect(emu(row).calls(row.action)).toHaveLength(1);
  });

  it('keeps OUTCOME_UNKNOWN for the key after a timeout, so the retry cannot do it twice', async () => {
    const key = `${row.name}-unknown`;
    emu(row).setFault({ kind: 'hang', match: row.action, times: 1 });
    const first = await call(row, row.vars, key);
    expect(codes(first)).toEqual([{ path: row.name, code: 'OUTCOME_UNKNOWN' }]);
    const retry = await call(row, row.vars, key);
    expect(codes(retry)).toEqual([{ path: row.name, code: 'OUTCOME_UNKNOWN' }]);
    expect(retry.errors![0]!.extensions!.idempotentReplay).toBe(true);
    expect(emu(row).calls(row.action)).toHaveLength(1);
  });
});
