// Partial results (SCHEMA.md, "one failing upstream never blanks the answer"): the README's
// dashboard query over all four APIs, with each upstream failing in turn. The other three's
// data arrive exactly as in a fault-free answer, and the errors sit at the failing field only.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../emulators/shared/emulator.ts';
import type { Stack } from '../../stack/index.ts';
import { parts } from '../../stack/parts/index.ts';
import type { GqlResult } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';

const DASHBOARD = readFileSync(new URL('../../client/operations/dashboard.graphql', import.meta.url), 'utf8');
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const TOKEN = { 'x-likenama-token': 'demo-phoebe-token' };
const ROOTS = ['smmProviders', 'smmOrders', 'orders', 'matchIdStatuses', 'likenamaViewer'] as const;
type Root = (typeof ROOTS)[number];

// breakers off: each case must show its own failure, not a circuit opened by the one before;
// no SolSub cache: every dashboard really asks SolSub
const h = useStack(parts, { env: { BREAKER_THRESHOLD: '0', SOLSUB_CACHE_TTL_MS: '0' } });
beforeEach(() => {
  for (const e of Object.values(h.stack.emulators)) e.reset();
});

const vars = (matchIds = ['PAID_001', 'TRIAL_001']) => ({
  smmProvider: 'sosyal',
  smmOrderIds: ['23501', '23502'],
  adOrderIds: ['102341285566'],
  matchIds,
});

const dashboard = (variables = vars(), headers: Record<string, string> = TOKEN) =>
  h.send<Record<Root, unknown>>(DASHBOARD, variables, headers);

const rootsWithErrors = (r: GqlResult) => new Set((r.errors ?? []).map((e) => String(e.path?.[0])));

/** The parts of a fault-free answer that do not depend on the Match IDs asked. */
async function baseline() {
  const r = await dashboard();
  expect(r.errors).toBeUndefined();
  for (const root of ROOTS) expect(r.data?.[root]).toBeTruthy();
  return r.data!;
}

function expectOthersIntact(
  r: GqlResult<Record<Root, unknown>>,
  clean: Record<Root, unknown>,
  failing: Root[],
) {
  expect(r.status).toBe(200);
  expect([...rootsWithErrors(r)].sort()).toEqual([...failing].sort());
  for (const root of ROOTS) {
    if (failing.includes(root)) continue;
    expect(r.data?.[root]).toEqual(clean[root]);
  }
}

describe('the dashboard over all four APIs', () => {
  it('is the README’s own dashboard query', () => {
    const body = DASHBOARD.split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n')
      .trim();
    expect(README).toContain(body);
  });

  it('SolSub rate-limits one Match ID: that item is null with RATE_LIMITED at its index, all else arrives', async () => {
    const clean = await baseline();
    const r = await dashboard(vars(['PAID_001', 'LIMIT_001', 'TRIAL_001']));
    expect(r.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['matchIdStatuses', 1], 'RATE_LIMITED'],
    ]);
    const statuses = r.data!.matchIdStatuses as Array<{ matchId: string } | null>;
    expect(statuses.map((s) => s?.matchId ?? null)).toEqual(['PAID_001', null, 'TRIAL_001']);
    for (const root of ROOTS.filter((x) => x !== 'matchIdStatuses'))
      expect(r.data![root]).toEqual(clean[root]);
  });

  it('no Likenama token: likenamaViewer is null with UNAUTHENTICATED, the other three arrive', async () => {
    const clean = await baseline();
    h.stack.emulators.likenama!.clearRequests();
    const r = await dashboard(vars(), {});
    expect(r.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['likenamaViewer'], 'UNAUTHENTICATED'],
    ]);
    expect(r.data!.likenamaViewer).toBeNull();
    expectOthersIntact(r, clean, ['likenamaViewer']);
    expect(h.stack.emulators.likenama!.requests).toHaveLength(0);
  });

  const down: Fault = { kind: 'status', status: 503 };
  const cases: Array<{ api: keyof Stack['emulators']; failing: Root[]; code: string }> = [
    // a provider's balance is its own nullable field: the provider list itself still arrives
    { api: 'smm', failing: ['smmProviders', 'smmOrders'], code: 'UPSTREAM_UNAVAILABLE' },
    { api: 'solmate', failing: ['orders'], code: 'UPSTREAM_UNAVAILABLE' },
    { api: 'solsub', failing: ['matchIdStatuses'], code: 'UPSTREAM_UNAVAILABLE' },
    { api: 'likenama', failing: ['likenamaViewer'], code: 'UPSTREAM_UNAVAILABLE' },
  ];

  it.each(cases)('$api answering 503 to everything: only its fields fail', async ({ api, failing, code }) => {
    const clean = await baseline();
    h.stack.emulators[api]!.setFault(down);
    const r = await dashboard();
    h.stack.emulators[api]!.clearFaults();
    expect(h.stack.emulators[api]!.requests.length).toBeGreaterThan(0);
    expectOthersIntact(r, clean, failing);
    expect(new Set(r.errors!.map((e) => e.extensions?.code))).toEqual(new Set([code]));
    if (api === 'smm') {
      const providers = r.data!.smmProviders as Array<{ id: string; balance: unknown }>;
      // both panels are served by the one emulator: each balance fails on its own, the list stays
      expect(providers.map((p) => p.id)).toEqual(['sosyal', 'baostar']);
      for (const e of r.errors!.filter((x) => x.path?.[0] === 'smmProviders'))
        expect(e.path?.slice(2)).toEqual(['balance']);
    } else {
      // a whole root field, or the items of a list root, each at its own path
      for (const e of r.errors!) expect(e.path!.length).toBeLessThanOrEqual(2);
    }
  });
});
