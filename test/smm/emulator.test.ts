import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createSmmEmulator, DEMO_PANELS, type SmmEmulator } from '../../emulators/smm/index.ts';

let emu: SmmEmulator;
let url: string;
const sosyal = DEMO_PANELS[0]!;
const baostar = DEMO_PANELS[1]!;

// the panels' own clock: an order's progress is seen by moving it, never by waiting
const clock = { now: Date.now() };
const STAGE_MS = 150;

beforeAll(async () => {
  // a rate-limited copy of the standard panel too
  emu = createSmmEmulator(
    [
      { ...sosyal, seedOrders: [] },
      { ...baostar, seedOrders: [] },
      { ...sosyal, id: 'limited', seedOrders: [], rateLimitPerMinute: 3 },
    ],
    { stageMs: STAGE_MS, now: () => clock.now },
  );
  url = await emu.listen();
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

async function call(panel: string, params: Record<string, string>, json = false) {
  const res = await request(`${url}/${panel}/api/v2`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(params) : new URLSearchParams(params).toString(),
  });
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(await res.body.text()) as unknown };
}

describe('SMM panel emulator', () => {
  it('moves an order from Pending to In progress to Completed', async () => {
    const add = await call('sosyal', {
      key: sosyal.key,
      action: 'add',
      service: '1',
      link: 'l',
      quantity: '100',
    });
    const id = String((add.body as { order: number }).order);
    const statusAfter = async (ms: number) => {
      clock.now += ms;
      const s = await call('sosyal', { key: sosyal.key, action: 'status', order: id });
      return (s.body as { status: string }).status;
    };
    expect(await statusAfter(0)).toBe('Pending');
    expect(await statusAfter(STAGE_MS - 1)).toBe('Pending');
    expect(await statusAfter(1)).toBe('In progress');
    expect(await statusAfter(STAGE_MS - 1)).toBe('In progress');
    expect(await statusAfter(1)).toBe('Completed');
  });

  it('checks min and max, then funds, and charges the exact rate', async () => {
    expect(
      (await call('sosyal', { key: sosyal.key, action: 'add', service: '1', link: 'l', quantity: '10' }))
        .body,
    ).toEqual({
      error: 'Quantity less than minimal 50',
    });
    expect(
      (await call('sosyal', { key: sosyal.key, action: 'add', service: '1', link: 'l', quantity: '10001' }))
        .body,
    ).toEqual({
      error: 'Quantity more than maximal 10000',
    });
    expect(
      (await call('sosyal', { key: sosyal.key, action: 'add', service: '4', link: 'l', quantity: '100000' }))
        .body,
    ).toEqual({
      error: 'Not enough funds on balance',
    });
    await call('sosyal', { key: sosyal.key, action: 'add', service: '1', link: 'l', quantity: '333' });
    expect((await call('sosyal', { key: sosyal.key, action: 'balance' })).body).toEqual({
      balance: '100.54322',
      currency: 'USD',
    });
  });

  it('allows refill and cancel only where the service does', async () => {
    const p = emu.panels.get('sosyal')!;
    const comments = p.seedOrder(2, 20);
    const r = await call('sosyal', { key: sosyal.key, action: 'refill', orders: `${comments},999` });
    expect(r.body).toEqual([
      { order: String(comments), refill: { error: 'Refill is disabled for this service' } },
      { order: '999', refill: { error: 'Incorrect order ID' } },
    ]);
    const pkg = p.seedOrder(3, 1);
    const c = await call('sosyal', { key: sosyal.key, action: 'cancel', orders: String(pkg) });
    expect(c.body).toEqual([
      { order: String(pkg), cancel: { error: 'Cancel is disabled for this service' } },
    ]);
  });

  it('speaks the variant dialect: JSON only, numbers, status codes, no content type', async () => {
    const form = await call('baostar', { key: baostar.key, action: 'balance' });
    expect(form.status).toBe(400);
    const bad = await call('baostar', { key: 'nope', action: 'balance' }, true);
    expect(bad).toMatchObject({ status: 401, body: { error: 'Invalid API key' } });
    expect(bad.headers['content-type']).toBeUndefined();
    const add = await call(
      'baostar',
      { key: baostar.key, action: 'add', service: '1', link: 'l', quantity: '100' },
      true,
    );
    expect(add.body).toEqual({ status: 'success', order: '99999' });
    const s = await call('baostar', { key: baostar.key, action: 'status', orders: '99999,5' }, true);
    expect(s.body).toEqual({
      '99999': { charge: 22.5, start_counter: 5999, status: 'pending', remains: 100, currency: 'VND' },
    });
  });

  it('answers 429 past its per-minute limit', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call('limited', { key: sosyal.key, action: 'balance' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
