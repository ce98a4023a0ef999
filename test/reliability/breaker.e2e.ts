// The circuit breaker in front of every upstream (subgraphs/shared/http.ts): it opens after
// BREAKER_THRESHOLD consecutive transport failures or 5xx, fails fast without calling upstream,
// shows in /ready, and lets one probe through after BREAKER_HALF_OPEN_MS.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parts } from '../../stack/parts/index.ts';
import { shiftableClock } from '../helpers/clock.ts';
import type { GqlResult } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';
import { rowOf, type ApiName } from './apis.ts';
import { getJson, opsUrl } from './helpers.ts';

const THRESHOLD = 3;
// long, so that no slow run reaches it by itself: the tests move the clock past it
const HALF_OPEN_MS = 60_000;
let n = 0;

const h = useStack(parts, {
  env: { BREAKER_THRESHOLD: String(THRESHOLD), BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS) },
});
// the half-open delay is reached by moving the clock, not by sleeping through it
let clock: ReturnType<typeof shiftableClock>;
beforeAll(() => void (clock = shiftableClock()));
afterAll(() => clock.restore());
beforeEach(() => {
  for (const e of Object.values(h.stack.emulators)) e.reset();
});

interface Ready {
  status: string;
  subgraphs: Record<
    string,
    { status: string; upstreams: Array<{ upstream: string; api: string; state: string }> }
  >;
}
const ready = async () => (await getJson<Ready>(opsUrl(h.stack, '/ready'))).body;
const statesOf = async (api: ApiName) =>
  Object.fromEntries((await ready()).subgraphs[api]!.upstreams.map((u) => [u.upstream, u.state]));

const read = (name: ApiName) => {
  const row = rowOf(name);
  return h.send(`{ target: ${row.read(++n)} }`, undefined, row.headers);
};
const targetErrors = (r: GqlResult) => (r.errors ?? []).filter((e) => e.path?.[0] === 'target');
const isCircuitOpen = (r: GqlResult) =>
  targetErrors(r).some(
    (e) => e.extensions?.code === 'UPSTREAM_UNAVAILABLE' && /circuit breaker is open/.test(e.message),
  );

describe.each(parts.map((p) => p.name))('%s circuit breaker', (name) => {
  const row = rowOf(name);
  const emu = () => h.stack.emulators[name]!;

  it('opens after consecutive 5xx, fails fast without calling upstream, then probes back', async () => {
    emu().setFault({ kind: 'status', status: 503, match: row.readMatch });
    const first = await read(name);
    expect(targetErrors(first).map((e) => e.extensions?.code)).toContain('UPSTREAM_UNAVAILABLE');
    expect(isCircuitOpen(first)).toBe(false);
    for (let i = 1; i < THRESHOLD; i++) await read(name);

    const sent = emu().requests.length;
    const fast = await read(name);
    expect(isCircuitOpen(fast)).toBe(true);
    expect(emu().requests.length).toBe(sent);
    const open = await ready();
    expect(open.status).toBe('degraded');
    expect(Object.values(await statesOf(name))).toContain('open');

    // upstream recovers; after the half-open delay one probe goes through and closes the circuit
    emu().clearFaults();
    expect(isCircuitOpen(await read(name))).toBe(true);
    clock.advance(HALF_OPEN_MS);
    const probe = await read(name);
    expect(targetErrors(probe)).toEqual([]);
    expect(emu().requests.length).toBeGreaterThan(sent);
    expect(Object.values(await statesOf(name))).not.toContain('open');
    expect((await ready()).status).toBe('ready');
  });
});

describe('what the breaker counts (SMM)', () => {
  const emu = () => h.stack.emulators.smm!;
  const balance = (provider: string) => h.send(`{ target: smmBalance(provider: "${provider}") { amount } }`);
  const sosyalCalls = () => emu().requests.filter((r) => r.action.startsWith('sosyal/')).length;

  beforeEach(async () => {
    // close whatever circuit a previous test opened
    clock.advance(HALF_OPEN_MS);
    await balance('sosyal');
    await balance('baostar');
    emu().reset();
  });

  it('does not count 429s or business refusals', async () => {
    emu().setFault({ kind: 'rateLimit', match: 'sosyal/balance' });
    for (let i = 0; i < THRESHOLD + 2; i++) {
      const r = await balance('sosyal');
      expect(targetErrors(r).map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    }
    emu().clearFaults();
    for (let i = 0; i < THRESHOLD + 2; i++) {
      const r = await h.send('{ target: smmOrder(provider: "sosyal", id: "424242") { id } }');
      expect(targetErrors(r).map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    }
    expect(sosyalCalls()).toBe(2 * (THRESHOLD + 2));
    expect((await statesOf('smm'))['smm/sosyal']).toBe('closed');
  });

  it('keeps one circuit per upstream: sosyal open, baostar untouched', async () => {
    emu().setFault({ kind: 'reset', match: 'sosyal/' });
    for (let i = 0; i < THRESHOLD; i++) await balance('sosyal');
    expect(isCircuitOpen(await balance('sosyal'))).toBe(true);
    const other = await balance('baostar');
    expect(other.errors).toBeUndefined();
    expect(await statesOf('smm')).toMatchObject({ 'smm/sosyal': 'open', 'smm/baostar': 'closed' });
  });

  it('fails a write fast while open (nothing sent, so not OUTCOME_UNKNOWN) and never retries one', async () => {
    emu().setFault({ kind: 'status', status: 503, match: 'sosyal/' });
    for (let i = 0; i < THRESHOLD; i++) await balance('sosyal');
    emu().clearFaults();
    const before = sosyalCalls();
    const r = await h.send(
      `mutation { target: smmAddOrder(provider: "sosyal", input: { service: "1", link: "https://example.com/p", quantity: 100 }) { order { id } } }`,
    );
    expect(targetErrors(r).map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(isCircuitOpen(r)).toBe(true);
    expect(emu().calls('sosyal/add')).toHaveLength(0);
    expect(sosyalCalls()).toBe(before);
  });
});
