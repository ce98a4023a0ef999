// The request deadline through the gateway: a hanging read answers at the deadline, not after
// every attempt's timeout; a caller may ask for less; and a write that was not sent when the
// caller left (or the budget ran out) is never sent, which leaves its idempotency key free.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createDemoSmmEmulator, DEMO_PANELS, type SmmEmulator } from '../../emulators/smm/index.ts';
import { DEADLINE_HEADER } from '../../lib/deadline.ts';
import { graphqlRequests, upstreamCalls } from '../../lib/metrics.ts';
import { smmPart } from '../../stack/parts/smm.ts';
import { codes } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';

const DEADLINE_MS = 1_500;
// far above the deadline: whatever ends a call in these tests is the deadline, never this
const ATTEMPT_TIMEOUT_MS = 20_000;
let emu: SmmEmulator;
let url: string;
// each test that needs a cold services catalogue gets a provider of its own (same panel)
const COLD = ['cold1', 'cold2', 'cold3'];

beforeAll(async () => {
  emu = createDemoSmmEmulator();
  url = await emu.listen();
});
afterAll(() => emu?.close());
// after the emulator's hooks: started once it listens, closed before it stops; not emulated,
// so SMM_PROVIDERS names this panel under several provider ids
const h = useStack([smmPart], () => ({
  forceEmulators: false,
  env: {
    REQUEST_DEADLINE_MS: String(DEADLINE_MS),
    UPSTREAM_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
    UPSTREAM_READ_RETRIES: '2',
    BREAKER_THRESHOLD: '0',
    SMM_PROVIDERS: JSON.stringify(
      ['sosyal', ...COLD].map((id) => ({ id, url: `${url}/sosyal/api/v2`, key: DEMO_PANELS[0]!.key })),
    ),
  },
}));
beforeEach(() => emu.reset());

const STATUS = `{ smmOrder(provider: "sosyal", id: "1") { id status } }`;
const ADD = /* GraphQL */ `
  mutation Add($p: ID!, $key: String) {
    smmAddOrder(
      provider: $p
      input: { service: "1", link: "https://instagram.com/p/dl", quantity: 100 }
      idempotencyKey: $key
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

const counter = async (c: typeof upstreamCalls | typeof graphqlRequests, labels: Record<string, string>) =>
  (await c.get()).values
    .filter((v) =>
      Object.entries(labels).every(([k, want]) => (v.labels as Record<string, unknown>)[k] === want),
    )
    .reduce((sum, v) => sum + v.value, 0);

describe('the request deadline', () => {
  it('answers a hanging read at the deadline with one attempt, not after three timeouts', async () => {
    emu.setFault({ kind: 'hang', match: 'sosyal/status' });
    const started = performance.now();
    const r = await h.send(STATUS);
    const elapsed = performance.now() - started;
    expect(codes(r)).toEqual([{ path: 'smmOrder', code: 'UPSTREAM_UNAVAILABLE' }]);
    expect(r.errors![0]!.message).toMatch(/left of the request's deadline|deadline of \d+ ms passed/);
    // no second attempt: the first used the whole budget
    expect(emu.calls('sosyal/status')).toHaveLength(1);
    // a generous bound: one attempt's own timeout is 20 s, the deadline 1.5 s
    expect(elapsed).toBeLessThan(ATTEMPT_TIMEOUT_MS / 2);
  });

  it('lets the caller ask for less with x-request-deadline-ms, and never for more', async () => {
    emu.setFault({ kind: 'hang', match: 'sosyal/status' });
    const less = await h.send(STATUS, undefined, { [DEADLINE_HEADER]: '300' });
    const budgetOf = (m: string) =>
      Number(/in the (\d+) ms left|deadline of (\d+) ms/.exec(m)?.slice(1).find(Boolean));
    expect(budgetOf(less.errors![0]!.message)).toBeLessThanOrEqual(300);
    const more = await h.send(STATUS, undefined, { [DEADLINE_HEADER]: '60000' });
    expect(budgetOf(more.errors![0]!.message)).toBeLessThanOrEqual(DEADLINE_MS);
  });

  it('sends no write when the read before it used up the budget, and frees the key', async () => {
    // the catalogue lookup that checks the input answers only after the deadline
    emu.setFault({ kind: 'hang', match: 'sosyal/services', times: 1 });
    const r = await h.send(ADD, { p: COLD[0], key: 'deadline-1' });
    expect(codes(r)).toEqual([{ path: 'smmAddOrder', code: 'UPSTREAM_UNAVAILABLE' }]);
    expect(emu.calls('sosyal/add')).toHaveLength(0);
    // nothing was sent, so the same key may place the order once the panel answers again
    const again = await h.send<{ smmAddOrder: { order: { id: string } } }>(ADD, {
      p: COLD[0],
      key: 'deadline-1',
    });
    expect(again.data?.smmAddOrder.order.id).toMatch(/^\d+$/);
    expect(emu.calls('sosyal/add')).toHaveLength(1);
  });

  it('sends no write after the caller disconnects, and frees the key', async () => {
    emu.setFault({ kind: 'hang', match: 'sosyal/services', times: 1 });
    const cut = { api: 'smm', action: 'services', outcome: 'cut' };
    const answered = { service: 'smm', operation: 'mutation' };
    const [cutBefore, answeredBefore] = [
      await counter(upstreamCalls, cut),
      await counter(graphqlRequests, answered),
    ];
    const caller = new AbortController();
    const pending = request(h.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: ADD, variables: { p: COLD[1], key: 'gone-1' } }),
      signal: caller.signal,
    }).catch((e: unknown) => e);
    await expect.poll(() => emu.calls('sosyal/services').length).toBe(1);
    caller.abort();
    await pending;
    // the subgraph stops the read it was waiting on, then finishes the operation: observed, not slept
    await expect.poll(() => counter(upstreamCalls, cut), { timeout: 5_000 }).toBe(cutBefore + 1);
    await expect.poll(() => counter(graphqlRequests, answered), { timeout: 5_000 }).toBe(answeredBefore + 1);
    await emu.idle();
    expect(emu.calls('sosyal/add')).toHaveLength(0);
    const again = await h.send<{ smmAddOrder: { order: { id: string } } }>(ADD, {
      p: COLD[1],
      key: 'gone-1',
    });
    expect(again.data?.smmAddOrder.order.id).toMatch(/^\d+$/);
    expect(emu.calls('sosyal/add')).toHaveLength(1);
  });

  it('still answers what finished in time next to what did not', async () => {
    emu.setFault({ kind: 'hang', match: 'sosyal/status' });
    const r = await h.send<{ smmOrder: null; smmBalance: { amount: string } }>(
      `{ smmOrder(provider: "sosyal", id: "1") { id } smmBalance(provider: "sosyal") { amount } }`,
    );
    expect(r.data?.smmOrder).toBeNull();
    expect(r.data?.smmBalance.amount).toMatch(/^\d/);
  });
});
