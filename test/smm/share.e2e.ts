// Identical upstream reads in flight at once, through the gateway: requests that need the same
// read with the same credentials make one upstream call (a DataLoader batch included); other
// credentials, and writes, never share; a caller that leaves takes nothing from the others.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { Emulator } from '../../emulators/shared/emulator.ts';
import type { SmmEmulator } from '../../emulators/smm/index.ts';
import type { SolmateEmulator } from '../../emulators/solmate/index.ts';
import { graphqlRequests, upstreamReadsShared } from '../../lib/metrics.ts';
import { smmPart } from '../../stack/parts/smm.ts';
import { solmatePart } from '../../stack/parts/solmate.ts';
import { sharedReadsInFlight } from '../../subgraphs/shared/inflight.ts';
import { codes } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';
import { getText, metricValue, opsUrl } from '../reliability/helpers.ts';
import { CREATE, validCreate } from '../solmate/helpers.ts';

const h = useStack([smmPart, solmatePart]);
let smm: SmmEmulator;
let solmate: SolmateEmulator;

beforeAll(() => {
  smm = h.stack.emulators.smm as SmmEmulator;
  solmate = h.stack.emulators.solmate as SolmateEmulator;
});

/** Holds the next `times` calls named `action` in flight until the test lets them answer. */
function hold(emu: Emulator, action: string, times: number) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  emu.setFault({ kind: 'latency', match: action, times, hold: released });
  return release;
}
let releases: Array<() => void> = [];
const holdCalls = (emu: Emulator, action: string, times: number) => {
  const release = hold(emu, action, times);
  releases.push(release);
  return release;
};
beforeEach(() => {
  // a held call a failed test left behind must not hang the next one
  for (const release of releases) release();
  releases = [];
  smm.reset();
  solmate.reset();
});

const sharedCount = async (action: string) =>
  (await upstreamReadsShared.get()).values
    .filter((v) => v.labels.api === 'smm' && v.labels.action === action)
    .reduce((sum, v) => sum + v.value, 0);
const smmQueriesAnswered = async () =>
  (await graphqlRequests.get()).values
    .filter((v) => v.labels.service === 'smm' && v.labels.operation === 'query')
    .reduce((sum, v) => sum + v.value, 0);

const seed = (n: number) =>
  Array.from({ length: n }, () => String(smm.panels.get('sosyal')!.seedOrder(1, 100)));
const STATUS = /* GraphQL */ `
  query Status($id: ID!) {
    smmOrder(provider: "sosyal", id: $id) {
      id
      status
      charge
      remains
    }
  }
`;
const ORDERS = /* GraphQL */ `
  query Orders($ids: [ID!]!) {
    smmOrders(provider: "sosyal", ids: $ids) {
      id
      status
      charge
    }
  }
`;
const ADD = /* GraphQL */ `
  mutation Add {
    smmAddOrder(
      provider: "sosyal"
      input: { service: "1", link: "https://instagram.com/p/sh", quantity: 100 }
    ) {
      order {
        id
      }
      userErrors {
        code
      }
    }
  }
`;

describe('identical upstream reads in flight, through the gateway', () => {
  it('makes one status call for two identical queries with the same credentials', async () => {
    const [id] = seed(1);
    const before = await sharedCount('status');
    const release = holdCalls(smm, 'sosyal/status', 1);
    const first = h.send(STATUS, { id });
    await expect.poll(() => smm.calls('sosyal/status').length).toBe(1);
    const second = h.send(STATUS, { id });
    // observed, not slept: the second request has reached the subgraph and joined the call
    await expect.poll(() => sharedCount('status')).toBe(before + 1);
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.errors).toBeUndefined();
    expect(a.data).toEqual({ smmOrder: expect.objectContaining({ id }) });
    expect(b.data).toEqual(a.data);
    expect(smm.calls('sosyal/status')).toHaveLength(1);
    expect(sharedReadsInFlight()).toBe(0);
    // and Prometheus sees it
    const text = (await getText(opsUrl(h.stack, '/metrics'))).text;
    expect(metricValue(text, 'upstream_reads_shared_total', { api: 'smm', action: 'status' })).toBe(
      before + 1,
    );
  });

  it('never shares between credentials: a key of its own (x-smm-key-sosyal) makes its own call', async () => {
    const [id] = seed(1);
    const before = await sharedCount('status');
    const release = holdCalls(smm, 'sosyal/status', 2);
    const first = h.send(STATUS, { id });
    await expect.poll(() => smm.calls('sosyal/status').length).toBe(1);
    const other = h.send(STATUS, { id }, { 'x-smm-key-sosyal': 'another-tenants-key-0001' });
    await expect.poll(() => smm.calls('sosyal/status').length).toBe(2);
    release();
    const [a, b] = await Promise.all([first, other]);
    expect(a.errors).toBeUndefined();
    // the panel does not know that key: the other tenant gets its own answer, not the first one's
    expect(codes(b)).toEqual([{ path: 'smmOrder', code: 'UNAUTHENTICATED' }]);
    expect(await sharedCount('status')).toBe(before);
  });

  it('shares the calls of a DataLoader batch: two 150-id queries make two multi-status calls', async () => {
    const ids = seed(150);
    const before = await sharedCount('status');
    const release = holdCalls(smm, 'sosyal/status', 2);
    const first = h.send<{ smmOrders: unknown[] }>(ORDERS, { ids });
    await expect.poll(() => smm.calls('sosyal/status').length).toBe(2);
    const second = h.send<{ smmOrders: unknown[] }>(ORDERS, { ids });
    await expect.poll(() => sharedCount('status')).toBe(before + 2);
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.errors).toBeUndefined();
    expect(a.data!.smmOrders).toHaveLength(150);
    expect(b.data).toEqual(a.data);
    expect(smm.calls('sosyal/status')).toHaveLength(2);
  });

  it('does not fail the request that joined when the caller that started the call leaves', async () => {
    const [id] = seed(1);
    const before = await sharedCount('status');
    const release = holdCalls(smm, 'sosyal/status', 1);
    const caller = new AbortController();
    const leaving = request(h.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: STATUS, variables: { id } }),
      signal: caller.signal,
    }).catch((e: unknown) => e);
    await expect.poll(() => smm.calls('sosyal/status').length).toBe(1);
    const staying = h.send(STATUS, { id });
    await expect.poll(() => sharedCount('status')).toBe(before + 1);
    const answered = await smmQueriesAnswered();
    caller.abort();
    await leaving;
    // the subgraph has answered the request that left (its read cut for it alone)
    await expect.poll(() => smmQueriesAnswered(), { timeout: 5_000 }).toBe(answered + 1);
    release();
    const r = await staying;
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ smmOrder: expect.objectContaining({ id }) });
    expect(smm.calls('sosyal/status')).toHaveLength(1);
  });

  it('never shares a write: two identical orders at the same moment are two calls', async () => {
    // the catalogue the input is checked against, read once before
    await h.send('{ smmServices(provider: "sosyal") { id } }');
    const release = holdCalls(smm, 'sosyal/add', 2);
    const orders = [h.send(ADD), h.send(ADD)];
    await expect.poll(() => smm.calls('sosyal/add').length).toBe(2);
    release();
    const ids = (await Promise.all(orders)).map(
      (r) => (r.data as { smmAddOrder: { order: { id: string } } }).smmAddOrder.order.id,
    );
    expect(new Set(ids).size).toBe(2);
  });

  it('never shares a Solmate create either', async () => {
    const release = holdCalls(solmate, 'createOrder', 2);
    const creates = [1, 2].map(() => h.send(CREATE, { input: validCreate() }));
    await expect.poll(() => solmate.calls('createOrder').length).toBe(2);
    release();
    const ids = (await Promise.all(creates)).map(
      (r) => (r.data as { createOrder: { order: { id: string } } }).createOrder.order.id,
    );
    expect(new Set(ids).size).toBe(2);
  });
});
