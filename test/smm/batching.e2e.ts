import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SmmEmulator } from '../../emulators/smm/index.ts';
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';
import { codes, gql } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';
import { SmmOrdersDocument } from '../../client/__generated__/graphql.ts';

const h = useStack();
let emu: SmmEmulator;

beforeAll(() => {
  emu = h.stack.emulators.smm as SmmEmulator;
});
beforeEach(() => emu.reset());

const panel = (id: string) => emu.panels.get(id)!;
const seed = (id: string, n: number) => Array.from({ length: n }, () => String(panel(id).seedOrder(1, 100)));
/** The ids each recorded multi-status call carried. */
const statusCalls = (provider: string) =>
  emu.calls(`${provider}/status`).map((r) => {
    const p = { ...r.query, ...(r.body as Record<string, string>) };
    return (p.orders ?? p.order ?? '').split(',');
  });

describe('SMM order status batching through the gateway', () => {
  it('sends 250 ids with 20 repeats as 3 multi-status calls of at most 100 unique ids', async () => {
    const unique = seed('sosyal', 230);
    const ids = [...unique, ...unique.slice(0, 20)];
    emu.clearRequests();
    const r = await h.query(SmmOrdersDocument, { provider: 'sosyal', ids });
    expect(r.errors).toBeUndefined();
    expect(r.data!.smmOrders!.map((o) => o!.id)).toEqual(ids);
    const calls = statusCalls('sosyal');
    expect(calls).toHaveLength(3);
    for (const c of calls) expect(c.length).toBeLessThanOrEqual(100);
    const sent = calls.flat();
    expect(new Set(sent).size).toBe(sent.length);
    expect(new Set(sent)).toEqual(new Set(unique));
  });

  it('asks once for ids requested under two aliases and by smmOrder', async () => {
    const ids = seed('sosyal', 150);
    emu.clearRequests();
    const r = await h.send(
      `query($ids: [ID!]!, $one: ID!) {
        a: smmOrders(provider: "sosyal", ids: $ids) { id status }
        b: smmOrders(provider: "sosyal", ids: $ids) { id charge }
        c: smmOrder(provider: "sosyal", id: $one) { id remains }
      }`,
      { ids, one: ids[7] },
    );
    expect(r.errors).toBeUndefined();
    expect(statusCalls('sosyal')).toHaveLength(2);
    expect(statusCalls('sosyal').flat().sort()).toEqual([...ids].sort());
  });

  it('uses order= for a single id', async () => {
    const [id] = seed('sosyal', 1);
    emu.clearRequests();
    const r = await h.send(`{ smmOrder(provider: "sosyal", id: "${id}") { id status } }`);
    expect(r.errors).toBeUndefined();
    const [call] = emu.calls('sosyal/status');
    expect((call!.body as Record<string, string>).order).toBe(id);
  });

  it('keeps order and puts null plus NOT_FOUND at the index of an unknown id', async () => {
    const [a, b] = seed('sosyal', 2);
    const r = await h.query(SmmOrdersDocument, { provider: 'sosyal', ids: [a!, '999999', b!] });
    expect(r.data!.smmOrders!.map((o) => o?.id ?? null)).toEqual([a, null, b]);
    expect(codes(r)).toEqual([{ path: 'smmOrders.1', code: 'NOT_FOUND' }]);
    expect(r.errors![0]!.extensions!.upstream).toMatchObject({ api: 'smm', message: 'Incorrect order ID' });
  });

  it('treats ids a panel silently omits, or answers with one top-level error, as not found', async () => {
    const [a] = seed('baostar', 1);
    const r1 = await h.query(SmmOrdersDocument, { provider: 'baostar', ids: [a!, '5'] });
    expect(r1.data!.smmOrders!.map((o) => o?.id ?? null)).toEqual([a, null]);
    expect(codes(r1)).toEqual([{ path: 'smmOrders.1', code: 'NOT_FOUND' }]);
    const r2 = await h.query(SmmOrdersDocument, { provider: 'baostar', ids: ['5', '6'] });
    expect(r2.data!.smmOrders).toEqual([null, null]);
    expect(codes(r2).map((c) => c.code)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  });

  it.each([['1,2'], ['../x'], [' 1'], ['1e3'], ['']])(
    'refuses id %j before any upstream call',
    async (bad) => {
      emu.clearRequests();
      const r = await h.query(SmmOrdersDocument, { provider: 'sosyal', ids: ['1', bad] });
      expect(codes(r)[0]!.code).toBe('BAD_USER_INPUT');
      expect(emu.requests).toHaveLength(0);
    },
  );

  it('batches _entities references from the gateway like root fields', async () => {
    const ids = seed('sosyal', 120);
    emu.clearRequests();
    const reps = [...ids, ...ids.slice(0, 10)].map((id) => ({
      __typename: 'SmmOrder',
      provider: 'sosyal',
      id,
    }));
    const r = await gql<{ _entities: Array<{ id: string; status: string }> }>(
      h.stack.subgraphs.smm!.url,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on SmmOrder { id status } } }`,
      { r: reps },
      { [GATEWAY_SECRET_HEADER]: h.stack.secret },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!._entities).toHaveLength(130);
    expect(statusCalls('sosyal')).toHaveLength(2);
  });
});
