import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CLUSTERS, type SolsubEmulator } from '../../emulators/solsub/index.ts';
import { solsubPart } from '../../stack/parts/solsub.ts';
import type { StackPart } from '../../stack/part.ts';
import { solsubConfigFromEnv } from '../../subgraphs/solsub/config.ts';
import { resetBreakers } from '../../subgraphs/shared/breaker.ts';
import { MemoryStore } from '../../subgraphs/shared/store.ts';
import { createSolsubSubgraph, statusCacheOn } from '../../subgraphs/solsub/subgraph.ts';
import { codes } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';
import { maskSecret } from '../../emulators/shared/emulator.ts';

const { admin, noTrial, user } = DEMO_CLUSTERS;

const STATUS = /* GraphQL */ `
  query Status($id: String!) {
    matchIdStatus(matchId: $id) {
      state
      detail
      checkedAt
    }
  }
`;
const CREATE = /* GraphQL */ `
  mutation Create($id: String!) {
    createMatchId(matchId: $id) {
      matchId {
        matchId
      }
      userErrors {
        code
      }
    }
  }
`;

interface Status {
  state: string;
  detail: string | null;
  checkedAt: string;
}

/** A stack whose subgraph definition stays reachable, so each test starts with an empty cache. */
function harness(env: Record<string, string>) {
  const h = {} as { emu: SolsubEmulator; subgraph: ReturnType<typeof createSolsubSubgraph> };
  const part: StackPart = {
    ...solsubPart,
    subgraph: (e) => (h.subgraph = createSolsubSubgraph(solsubConfigFromEnv(e), { env: e })),
  };
  const s = useStack([part], { env });
  beforeAll(() => {
    h.emu = s.stack.emulators.solsub as SolsubEmulator;
  });
  // the cache's own clock: a test reaches a TTL by moving it, not by sleeping past it
  const clock = { now: Date.now() };
  const advance = (ms: number) => (clock.now += ms);
  beforeEach(() => {
    h.emu.reset();
    resetBreakers();
    clock.now = Date.now();
    h.subgraph.shared.statusCache = statusCacheOn(new MemoryStore(50_000, true, 30_000, () => clock.now));
  });
  const status = (id: string, headers: Record<string, string> = {}) =>
    s.send<{ matchIdStatus: Status }>(STATUS, { id }, headers);
  const create = (id: string, headers: Record<string, string> = {}) =>
    s.send<{ createMatchId: { matchId: { matchId: string } | null; userErrors: Array<{ code: string }> } }>(
      CREATE,
      { id },
      headers,
    );
  const checks = (id?: string) =>
    h.emu.calls('check-match-id').filter((r) => id === undefined || r.query.match_id === id);
  return { h, status, create, checks, advance };
}

describe('SolSub check cache: TTL', () => {
  // positive answers for 600 ms, negative ones for 150 ms
  const { h, status, checks, advance } = harness({
    SOLSUB_CACHE_TTL_MS: '600',
    SOLSUB_NEGATIVE_CACHE_TTL_MS: '150',
  });

  it('reuses a positive answer across requests until the TTL ends', async () => {
    const r1 = await status('PAID_001');
    const r2 = await status('PAID_001');
    expect(r2.data!.matchIdStatus).toEqual(r1.data!.matchIdStatus);
    expect(checks()).toHaveLength(1);
    advance(599);
    await status('PAID_001');
    expect(checks()).toHaveLength(1);
    advance(1);
    const r3 = await status('PAID_001');
    expect(r3.data!.matchIdStatus.state).toBe('PAID_ACTIVE');
    expect(r3.data!.matchIdStatus.checkedAt >= r1.data!.matchIdStatus.checkedAt).toBe(true);
    expect(checks()).toHaveLength(2);
    expect(h.emu.matchId(admin.name, 'PAID_001')!.hitsUsed).toBe(2);
  });

  it('keeps negative answers for less time than positive ones', async () => {
    await Promise.all([status('PAID_001'), status('EXPIRED_001'), status('NOPE')]);
    await Promise.all([status('PAID_001'), status('EXPIRED_001'), status('NOPE')]);
    expect(checks()).toHaveLength(3);
    advance(150);
    const answers = await Promise.all([status('PAID_001'), status('EXPIRED_001'), status('NOPE')]);
    expect(answers.map((r) => r.data!.matchIdStatus.state)).toEqual(['PAID_ACTIVE', 'EXPIRED', 'NOT_FOUND']);
    expect(checks('PAID_001')).toHaveLength(1);
    expect(checks('EXPIRED_001')).toHaveLength(2);
    expect(checks('NOPE')).toHaveLength(2);
  });

  it('shares one check between concurrent requests for the same id and key', async () => {
    h.emu.setFault({ kind: 'latency', ms: 150, times: 1 });
    const all = await Promise.all([status('TRIAL_001'), status('TRIAL_001'), status('TRIAL_001')]);
    expect(all.map((r) => r.data!.matchIdStatus.state)).toEqual([
      'TRIAL_ACTIVE',
      'TRIAL_ACTIVE',
      'TRIAL_ACTIVE',
    ]);
    expect(checks()).toHaveLength(1);
  });

  it('never caches an error', async () => {
    h.emu.setFault({ kind: 'status', status: 503 });
    const r1 = await status('PAID_001');
    expect(codes(r1)).toEqual([{ path: 'matchIdStatus', code: 'UPSTREAM_UNAVAILABLE' }]);
    h.emu.clearFaults();
    h.emu.clearRequests();
    const r2 = await status('PAID_001');
    expect(r2.data!.matchIdStatus.state).toBe('PAID_ACTIVE');
    expect(checks()).toHaveLength(1);
  });

  it('does not cache a used-up hit budget either', async () => {
    const r1 = await status('LIMIT_001');
    expect(codes(r1)).toEqual([{ path: 'matchIdStatus', code: 'RATE_LIMITED' }]);
    h.emu.matchId(admin.name, 'LIMIT_001')!.hitsUsed = 0;
    const r2 = await status('LIMIT_001');
    expect(r2.data!.matchIdStatus.state).toBe('PAID_ACTIVE');
    expect(checks()).toHaveLength(2);
  });
});

describe('SolSub check cache: per key, invalidated by createMatchId', () => {
  // long enough that only an invalidation or another key can explain a second call
  const { h, status, create, checks } = harness({
    SOLSUB_CACHE_TTL_MS: '30000',
    SOLSUB_NEGATIVE_CACHE_TTL_MS: '30000',
  });

  it("never answers one key from another key's entry", async () => {
    const other = { 'x-solsub-api-key': noTrial.key };
    const stranger = { 'x-solsub-api-key': 'not-a-cluster-key' };
    const a1 = await status('PAID_001');
    const b1 = await status('PAID_001', other);
    const c1 = await status('PAID_001', stranger);
    const a2 = await status('PAID_001');
    const b2 = await status('PAID_001', other);
    expect(a1.data!.matchIdStatus.state).toBe('PAID_ACTIVE');
    expect(b1.data!.matchIdStatus.state).toBe('PAID_ACTIVE');
    expect(codes(c1)).toEqual([{ path: 'matchIdStatus', code: 'UNAUTHENTICATED' }]);
    expect(a2.data).toEqual(a1.data);
    expect(b2.data).toEqual(b1.data);
    expect(checks().map((c) => c.headers['api-key'])).toEqual(
      [admin.key, noTrial.key, 'not-a-cluster-key'].map(maskSecret),
    );
    expect(h.emu.matchId(admin.name, 'PAID_001')!.hitsUsed).toBe(1);
    expect(h.emu.matchId(noTrial.name, 'PAID_001')!.hitsUsed).toBe(1);
  });

  it("one key's NOT_FOUND stays when another cluster has the id", async () => {
    const r1 = await status('USER_001');
    const r2 = await status('USER_001', { 'x-solsub-api-key': user.key });
    const r3 = await status('USER_001');
    expect([r1, r2, r3].map((r) => r.data!.matchIdStatus.state)).toEqual([
      'NOT_FOUND',
      'PAID_ACTIVE',
      'NOT_FOUND',
    ]);
    expect(checks()).toHaveLength(2);
  });

  it('createMatchId drops the cached NOT_FOUND of that id for that key', async () => {
    const r1 = await status('NEW_001');
    const r2 = await status('NEW_001');
    expect([r1, r2].map((r) => r.data!.matchIdStatus.state)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(checks()).toHaveLength(1);
    const c = await create('NEW_001');
    expect(c.data!.createMatchId.matchId).toEqual({ matchId: 'NEW_001' });
    const r3 = await status('NEW_001');
    expect(r3.data!.matchIdStatus).toMatchObject({ state: 'TRIAL_ACTIVE', detail: 'Trial Active' });
    expect(checks()).toHaveLength(2);
  });

  it('a refused create (DUPLICATE) invalidates too; other keys keep their entries', async () => {
    await status('PAID_001');
    await status('PAID_001', { 'x-solsub-api-key': noTrial.key });
    expect(checks()).toHaveLength(2);
    const c = await create('PAID_001');
    expect(c.data!.createMatchId.userErrors).toEqual([{ code: 'DUPLICATE' }]);
    await status('PAID_001');
    await status('PAID_001', { 'x-solsub-api-key': noTrial.key });
    expect(checks().map((r) => r.headers['api-key'])).toEqual(
      [admin.key, noTrial.key, admin.key].map(maskSecret),
    );
  });
});
