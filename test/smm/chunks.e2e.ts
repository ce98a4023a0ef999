// smmRefill / smmCancel over more than 100 ids go out in chunks, one after another, never
// retried. A chunk that fails after sending must not hide what the chunks before it did: every
// order gets its own outcome (DONE, REFUSED, OUTCOME_UNKNOWN, NOT_SENT) at its own index.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SmmEmulator } from '../../emulators/smm/index.ts';
import type { Fault } from '../../emulators/shared/emulator.ts';
import { smmPart } from '../../stack/parts/smm.ts';
import { useStack } from '../helpers/use-stack.ts';

// breaker on with a high threshold: the circuit case below opens it on purpose
const h = useStack([smmPart], { env: { BREAKER_THRESHOLD: '0' } });
let emu: SmmEmulator;

beforeAll(() => {
  emu = h.stack.emulators.smm as SmmEmulator;
});
beforeEach(() => emu.reset());

interface Result {
  orderId: string;
  outcome: 'DONE' | 'REFUSED' | 'OUTCOME_UNKNOWN' | 'NOT_SENT';
  code: string | null;
  error: string | null;
}
type Payload = { results: Array<Result & { refill?: { id: string } | null; requested?: boolean }> } & {
  userErrors: Array<{ field: string[]; code: string }>;
};

const REFILL = /* GraphQL */ `
  mutation ($ids: [ID!]!) {
    smmRefill(provider: "sosyal", orderIds: $ids) {
      results {
        orderId
        outcome
        refill {
          id
        }
        code
        error
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;
const CANCEL = /* GraphQL */ `
  mutation ($ids: [ID!]!) {
    smmCancel(provider: "sosyal", orderIds: $ids) {
      results {
        orderId
        outcome
        requested
        code
        error
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

let seedAgeMs = 0;
/** `n` orders of a refillable, cancellable service (completed ones for a refill, new ones for a cancel). */
const seed = (n: number) => {
  const panel = emu.panels.get('sosyal')!;
  return Array.from({ length: n }, () => String(panel.seedOrder(1, 100, seedAgeMs)));
};

const sent = (action: string) =>
  emu.calls(`sosyal/${action}`).map((c) => String((c.body as Record<string, string>).orders).split(','));

async function run(mutation: string, field: 'smmRefill' | 'smmCancel', ids: string[]) {
  const r = await h.send<Record<string, Payload | null>>(mutation, { ids });
  expect(r.errors).toBeUndefined();
  return r.data![field]!;
}

const outcomes = (p: Payload) => p.results.map((x) => x.outcome);
const fault = (f: Fault) => emu.setFault(f);

describe.each([
  { action: 'refill', mutation: REFILL, field: 'smmRefill' as const },
  { action: 'cancel', mutation: CANCEL, field: 'smmCancel' as const },
])('$field over 250 ids (three chunks)', ({ action, mutation, field }) => {
  beforeEach(() => {
    seedAgeMs = action === 'refill' ? 60_000 : 0;
  });

  it('chunk 2 answering 500: chunk 1 reported DONE, chunk 2 OUTCOME_UNKNOWN, chunk 3 NOT_SENT', async () => {
    const ids = seed(250);
    fault({ kind: 'status', status: 500, match: `sosyal/${action}`, skip: 1, times: 1 });
    const p = await run(mutation, field, ids);

    // exactly two calls reached the panel, with the first 100 and the next 100 ids; none retried
    expect(sent(action)).toEqual([ids.slice(0, 100), ids.slice(100, 200)]);
    expect(outcomes(p)).toEqual([
      ...Array(100).fill('DONE'),
      ...Array(100).fill('OUTCOME_UNKNOWN'),
      ...Array(50).fill('NOT_SENT'),
    ]);
    expect(p.results.map((x) => x.orderId)).toEqual(ids);
    if (field === 'smmRefill') {
      // the refills chunk 1 made are reported, with the ids the panel gave them
      const made = [...emu.panels.get('sosyal')!.refills.values()].map((r) => String(r.orderId));
      expect(made.sort()).toEqual(ids.slice(0, 100).sort());
      expect(p.results.slice(0, 100).every((x) => x.refill?.id)).toBe(true);
    } else {
      expect(p.results.slice(0, 100).every((x) => x.requested === true)).toBe(true);
    }
    expect(p.results[100]).toMatchObject({ outcome: 'OUTCOME_UNKNOWN', code: 'OUTCOME_UNKNOWN' });
    expect(p.results[100]!.error).toMatch(/may have/);
    expect(p.results[249]).toMatchObject({ code: 'NOT_SENT' });
    // one userError per order that is not DONE, at its own index
    expect(p.userErrors).toHaveLength(150);
    expect(p.userErrors[0]).toMatchObject({ field: ['orderIds', '100'], code: 'OUTCOME_UNKNOWN' });
    expect(p.userErrors[149]).toMatchObject({ field: ['orderIds', '249'], code: 'NOT_SENT' });
  });

  it('a reset after sending chunk 2 is OUTCOME_UNKNOWN for its orders only, sent once', async () => {
    const ids = seed(150);
    fault({ kind: 'reset', match: `sosyal/${action}`, skip: 1, times: 1 });
    const p = await run(mutation, field, ids);
    expect(emu.calls(`sosyal/${action}`)).toHaveLength(2);
    expect(outcomes(p)).toEqual([...Array(100).fill('DONE'), ...Array(50).fill('OUTCOME_UNKNOWN')]);
  });

  it('a rate-limited chunk is REFUSED (nothing happened) and the rest is not sent', async () => {
    const ids = seed(250);
    fault({ kind: 'rateLimit', match: `sosyal/${action}`, skip: 1, times: 1 });
    const p = await run(mutation, field, ids);
    expect(emu.calls(`sosyal/${action}`)).toHaveLength(2);
    expect(outcomes(p)).toEqual([
      ...Array(100).fill('DONE'),
      ...Array(100).fill('REFUSED'),
      ...Array(50).fill('NOT_SENT'),
    ]);
    expect(p.results[150]!.code).toBe('RATE_LIMITED');
  });

  it('per-order refusals inside a chunk stay REFUSED with the panel’s code; other chunks go on', async () => {
    const ids = seed(150);
    ids[120] = '424242'; // not an order of this panel
    const p = await run(mutation, field, ids);
    expect(emu.calls(`sosyal/${action}`)).toHaveLength(2);
    expect(p.results[120]).toMatchObject({
      outcome: 'REFUSED',
      code: 'NOT_FOUND',
      error: 'Incorrect order ID',
    });
    expect(outcomes(p).filter((o) => o === 'DONE')).toHaveLength(149);
  });
});

describe('a chunk that cannot be sent', () => {
  const local = useStack([smmPart], { env: { BREAKER_THRESHOLD: '1', BREAKER_HALF_OPEN_MS: '600000' } });
  it('an open circuit before chunk 2 marks chunks 2 and 3 NOT_SENT (safe to ask again)', async () => {
    const e = local.stack.emulators.smm as SmmEmulator;
    const panel = e.panels.get('sosyal')!;
    const ids = Array.from({ length: 250 }, () => String(panel.seedOrder(1, 100, 60_000)));
    // an unrelated read opens sosyal's circuit (threshold 1) before the refill is asked
    e.setFault({ kind: 'status', status: 503, match: 'sosyal/balance' });
    await local.send('{ smmBalance(provider: "sosyal") { amount } }');
    e.clearRequests();
    const r = await local.send<{ smmRefill: Payload }>(REFILL, { ids });
    expect(e.calls('sosyal/refill')).toHaveLength(0);
    expect(new Set(outcomes(r.data!.smmRefill))).toEqual(new Set(['NOT_SENT']));
  });
});
