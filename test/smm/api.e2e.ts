import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PANELS, type SmmEmulator } from '../../emulators/smm/index.ts';
import { smmPart } from '../../stack/parts/smm.ts';
import { codes } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';
import { maskSecret } from '../../emulators/shared/emulator.ts';

const h = useStack([smmPart]);
let emu: SmmEmulator;
const sosyalKey = DEMO_PANELS[0]!.key;

beforeAll(() => {
  emu = h.stack.emulators.smm as SmmEmulator;
});
beforeEach(() => emu.reset());

const q = (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
  h.send<Record<string, any>>(query, variables, headers); // eslint-disable-line @typescript-eslint/no-explicit-any

const ADD = /* GraphQL */ `
  mutation Add($p: ID!, $input: SmmAddOrderInput!) {
    smmAddOrder(provider: $p, input: $input) {
      order {
        id
        provider
        status
        statusText
        charge
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

describe('SMM queries through the gateway', () => {
  it('lists providers with exact balances and service catalogues', async () => {
    const r = await q(
      `{ smmProviders { id balance { amount currency } services { id type typeText rate min max refill cancel } } }`,
    );
    expect(r.errors).toBeUndefined();
    const [sosyal, baostar] = r.data!.smmProviders;
    expect(sosyal.balance).toEqual({ amount: '100.84292', currency: 'USD' });
    expect(baostar.balance).toEqual({ amount: '343423.1234567', currency: 'VND' });
    expect(sosyal.services[0]).toEqual({
      id: '1',
      type: 'DEFAULT',
      typeText: 'Default',
      rate: '0.90',
      min: 50,
      max: 10000,
      refill: true,
      cancel: true,
    });
    expect(baostar.services[1]).toMatchObject({
      type: 'CUSTOM_COMMENTS',
      typeText: 'custom_comments',
      rate: '2000',
    });
  });

  it('caches the services catalogue per provider and key', async () => {
    await q(`{ smmServices(provider: "sosyal") { id } }`);
    emu.clearRequests();
    await q(`{ smmServices(provider: "sosyal") { id } a: smmServices(provider: "sosyal") { name } }`);
    expect(emu.calls('sosyal/services')).toHaveLength(0);
    // another tenant's key is another cache entry (and its failure is not cached)
    for (let i = 0; i < 2; i++) {
      const r = await q(`{ smmServices(provider: "sosyal") { id } }`, undefined, {
        'x-smm-key-sosyal': 'tenant-b',
      });
      expect(codes(r)[0]!.code).toBe('UNAUTHENTICATED');
    }
    expect(emu.calls('sosyal/services')).toHaveLength(2);
  });

  it('names the configured providers when an unknown one is asked for', async () => {
    const r = await q(`{ smmBalance(provider: "nope") { amount } }`);
    expect(codes(r)).toEqual([{ path: 'smmBalance', code: 'BAD_USER_INPUT' }]);
    expect(r.errors![0]!.message).toContain('sosyal, baostar');
    expect(emu.requests).toHaveLength(0);
  });
});

describe('SMM add order', () => {
  it('places an order, returns its status and lowers the balance by its charge', async () => {
    const r = await q(ADD, {
      p: 'sosyal',
      input: { service: '1', link: 'https://instagram.com/p/x', quantity: 1000 },
    });
    expect(r.data!.smmAddOrder.userErrors).toEqual([]);
    expect(r.data!.smmAddOrder.order).toMatchObject({
      provider: 'sosyal',
      status: 'PENDING',
      statusText: 'Pending',
      charge: '0.9',
    });
    const [add] = emu.calls('sosyal/add');
    expect(add!.body).toEqual({
      key: maskSecret(sosyalKey),
      action: 'add',
      service: '1',
      link: 'https://instagram.com/p/x',
      quantity: '1000',
    });
    const b = await q(`{ smmBalance(provider: "sosyal") { amount } }`);
    expect(b.data!.smmBalance.amount).toBe('99.94292');
  });

  it('speaks JSON to a JSON panel and reads its string order id', async () => {
    const r = await q(ADD, {
      p: 'baostar',
      input: { service: '2', link: 'https://fb.com/p', comments: Array(10).fill('hay') },
    });
    expect(r.data!.smmAddOrder).toMatchObject({
      order: { id: expect.stringMatching(/^\d+$/) },
      userErrors: [],
    });
    const [add] = emu.calls('baostar/add');
    expect(add!.headers['content-type']).toContain('application/json');
    expect((add!.body as Record<string, string>).comments).toBe(Array(10).fill('hay').join('\n'));
  });

  it('refuses an incomplete order before calling the panel', async () => {
    const r = await q(ADD, { p: 'sosyal', input: { service: '1', quantity: 10 } });
    expect(r.data!.smmAddOrder.userErrors).toEqual([
      { code: 'REQUIRED', field: ['input', 'link'], message: 'link is required for Default services' },
      { code: 'QUANTITY_TOO_LOW', field: ['input', 'quantity'], message: 'Quantity less than minimal 50' },
    ]);
    expect(emu.calls('sosyal/add')).toHaveLength(0);
  });

  it('turns the panel refusals into userErrors with its own words', async () => {
    const sosyal = emu.panels.get('sosyal')!;
    sosyal.balance = sosyal.balance.minus(sosyal.balance).plus('0.01');
    const r = await q(ADD, { p: 'sosyal', input: { service: '1', link: 'https://x', quantity: 1000 } });
    expect(r.data!.smmAddOrder).toEqual({
      order: null,
      userErrors: [{ code: 'NOT_ENOUGH_FUNDS', field: null, message: 'Not enough funds on balance' }],
    });
    const u = await q(ADD, { p: 'sosyal', input: { service: '404', link: 'https://x', quantity: 100 } });
    expect(u.data!.smmAddOrder.userErrors[0]).toMatchObject({
      code: 'INCORRECT_SERVICE',
      field: ['input', 'service'],
    });
  });

  it('reads a 402 with a code-style error from a panel that uses status codes', async () => {
    const panel = emu.panels.get('baostar')!;
    panel.config.quirks.push('codeErrors');
    try {
      panel.balance = panel.balance.minus(panel.balance);
      const r = await q(ADD, { p: 'baostar', input: { service: '1', link: 'https://x', quantity: 100 } });
      expect(r.data!.smmAddOrder.userErrors).toEqual([
        { code: 'NOT_ENOUGH_FUNDS', field: null, message: 'neworder.error.not_enough_funds' },
      ]);
    } finally {
      panel.config.quirks.pop();
    }
  });
});

describe('SMM refill and cancel', () => {
  it('refills where allowed and reports per-order refusals in order', async () => {
    const panel = emu.panels.get('sosyal')!;
    const ok = String(panel.seedOrder(1, 100, 60_000));
    const noRefill = String(panel.seedOrder(2, 20, 60_000));
    const r = await q(
      `mutation($ids: [ID!]!) { smmRefill(provider: "sosyal", orderIds: $ids) {
        results { orderId error refill { id status statusText } } userErrors { field code message } } }`,
      { ids: [ok, '424242', noRefill] },
    );
    expect(r.errors).toBeUndefined();
    const { results, userErrors } = r.data!.smmRefill;
    expect(results.map((x: { orderId: string }) => x.orderId)).toEqual([ok, '424242', noRefill]);
    expect(results[0].refill).toMatchObject({ status: 'PENDING', statusText: 'Pending' });
    expect(results[1]).toMatchObject({ refill: null, error: 'Incorrect order ID' });
    expect(userErrors.map((e: { field: string[] }) => e.field)).toEqual([
      ['orderIds', '1'],
      ['orderIds', '2'],
    ]);
    expect(emu.calls('sosyal/refill')).toHaveLength(1);
    const refills = await q(
      `{ smmRefills(provider: "sosyal", ids: ["${results[0].refill.id}", "77"]) { id status } }`,
    );
    expect(refills.data!.smmRefills[1]).toBeNull();
    expect(codes(refills)).toEqual([{ path: 'smmRefills.1', code: 'NOT_FOUND' }]);
  });

  it('requests cancels and refunds the charge', async () => {
    const add = await q(ADD, { p: 'sosyal', input: { service: '1', link: 'https://x', quantity: 1000 } });
    const id = add.data!.smmAddOrder.order.id;
    const r = await q(
      `mutation { smmCancel(provider: "sosyal", orderIds: ["${id}", "1"]) { results { orderId requested error } userErrors { code } } }`,
    );
    expect(r.data!.smmCancel.results).toEqual([
      { orderId: id, requested: true, error: null },
      { orderId: '1', requested: false, error: 'Incorrect order ID' },
    ]);
    const b = await q(
      `{ smmBalance(provider: "sosyal") { amount } o: smmOrder(provider: "sosyal", id: "${id}") { status } }`,
    );
    expect(b.data).toEqual({ smmBalance: { amount: '100.84292' }, o: { status: 'CANCELED' } });
  });

  it('refuses smuggled ids in mutations before any call', async () => {
    const r = await q(
      `mutation { smmCancel(provider: "sosyal", orderIds: ["1,2"]) { userErrors { code } } }`,
    );
    expect(codes(r)[0]!.code).toBe('BAD_USER_INPUT');
    expect(emu.requests).toHaveLength(0);
  });
});

describe('SMM credentials', () => {
  it('uses the key from x-smm-key-<provider> instead of the configured one', async () => {
    const r = await q(`{ smmBalance(provider: "sosyal") { amount } }`, undefined, {
      'x-smm-key-sosyal': 'wrong',
    });
    expect(codes(r)).toEqual([{ path: 'smmBalance', code: 'UNAUTHENTICATED' }]);
    expect(emu.calls('sosyal/balance')[0]!.body).toMatchObject({ key: maskSecret('wrong') });
    expect(r.raw).not.toContain(sosyalKey);
  });

  it('forwards one provider key header only to the SMM subgraph and never returns it', async () => {
    const r = await q(`{ smmBalance(provider: "baostar") { amount } }`, undefined, {
      'x-smm-key-baostar': 'secret-baostar-override',
    });
    expect(codes(r)).toEqual([{ path: 'smmBalance', code: 'UNAUTHENTICATED' }]);
    expect(r.errors![0]!.extensions!.upstream).toMatchObject({
      api: 'smm',
      status: 401,
      provider: 'baostar',
    });
    expect(r.raw).not.toContain('secret-baostar-override');
  });
});
