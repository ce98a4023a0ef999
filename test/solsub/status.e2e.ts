import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../emulators/shared/emulator.ts';
import { DEMO_CLUSTERS, HIT_LIMIT, type SolsubEmulator } from '../../emulators/solsub/index.ts';
import { solsubPart } from '../../stack/parts/solsub.ts';
import { resetBreakers } from '../../subgraphs/shared/breaker.ts';
import { codes, type GqlResult } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';
import { MatchIdStatusesDocument } from '../../client/__generated__/graphql.ts';
import { maskSecret } from '../../emulators/shared/emulator.ts';

const { admin, noTrial, user } = DEMO_CLUSTERS;

// the cache is off here: every request that is not a repeat within itself reaches SolSub
const h = useStack([solsubPart], { env: { SOLSUB_CACHE_TTL_MS: '0' } });
let emu: SolsubEmulator;
beforeAll(() => {
  emu = h.stack.emulators.solsub as SolsubEmulator;
});
// each test starts with closed circuits: fault tests fail on purpose, more than a breaker takes
beforeEach(() => {
  emu.reset();
  resetBreakers();
});

const STATUS = /* GraphQL */ `
  query Status($id: String!) {
    matchIdStatus(matchId: $id) {
      matchId
      state
      active
      detail
      checkedAt
    }
  }
`;

interface Status {
  matchId: string;
  state: string;
  active: boolean;
  detail: string | null;
  checkedAt?: string;
}

const status = (id: string, headers: Record<string, string> = {}) =>
  h.send<{ matchIdStatus: Status }>(STATUS, { id }, headers);
const checks = () => emu.calls('check-match-id');
const checkedIds = () => checks().map((r) => r.query.match_id);
const upstreamOf = (r: GqlResult) => r.errors?.[0]?.extensions?.upstream;

describe('SolSub matchIdStatus: the HTTP status is the answer', () => {
  it.each([
    ['PAID_001', 200, 'PAID_ACTIVE', true, 'Paid Active'],
    ['TRIAL_001', 201, 'TRIAL_ACTIVE', true, 'Trial Active'],
    ['EXPIRED_001', 410, 'EXPIRED', false, 'Match ID expired'],
    ['EXPIRED_TRIAL_001', 410, 'EXPIRED', false, 'Match ID expired'],
    ['NOPE_404', 422, 'NOT_FOUND', false, 'Match ID not found for this cluster'],
  ])('%s (HTTP %i) is %s', async (id, _http, state, active, detail) => {
    const before = Date.now();
    const r = await status(id);
    expect(r.errors).toBeUndefined();
    expect(r.data!.matchIdStatus).toMatchObject({ matchId: id, state, active, detail });
    expect(Date.parse(r.data!.matchIdStatus.checkedAt!)).toBeGreaterThanOrEqual(before - 1000);
    const [call, ...more] = checks();
    expect(more).toHaveLength(0);
    expect(call!.method).toBe('GET');
    expect(call!.path).toBe('/check-match-id/');
    expect(call!.query).toEqual({ match_id: id });
    expect(call!.headers['api-key']).toBe(maskSecret(admin.key));
  });

  it('405 (hit budget used up) is a RATE_LIMITED error with SolSub words', async () => {
    const r = await status('LIMIT_001');
    expect(r.data).toEqual({ matchIdStatus: null });
    expect(codes(r)).toEqual([{ path: 'matchIdStatus', code: 'RATE_LIMITED' }]);
    expect(upstreamOf(r)).toEqual({
      api: 'solsub',
      action: 'check-match-id',
      status: 405,
      message: 'API Limit Reached',
    });
    expect(checks()).toHaveLength(1);
  });

  it('a 429 from a proxy in front of SolSub is RATE_LIMITED too', async () => {
    emu.setFault({ kind: 'rateLimit' });
    const r = await status('PAID_001');
    expect(codes(r)).toEqual([{ path: 'matchIdStatus', code: 'RATE_LIMITED' }]);
    expect(upstreamOf(r)).toMatchObject({ status: 429 });
  });

  it.each([404, 401, 403] as const)(
    'an unknown key answered with %i is UNAUTHENTICATED, and the key never shows',
    async (http) => {
      emu.switches.unknownKeyStatus = http;
      const key = 'tenant-secret-key-4711';
      const r = await status('PAID_001', { 'x-solsub-api-key': key });
      expect(codes(r)).toEqual([{ path: 'matchIdStatus', code: 'UNAUTHENTICATED' }]);
      expect(upstreamOf(r)).toMatchObject({ api: 'solsub', status: http, message: 'Invalid API key' });
      expect(checks()[0]!.headers['api-key']).toBe(maskSecret(key));
      expect(r.raw).not.toContain(key);
    },
  );

  it('the x-solsub-api-key header chooses the cluster', async () => {
    const r1 = await status('USER_TRIAL_001', { 'x-solsub-api-key': user.key });
    expect(r1.data!.matchIdStatus.state).toBe('TRIAL_ACTIVE');
    // the demo admin cluster does not have this id
    const r2 = await status('USER_TRIAL_001');
    expect(r2.data!.matchIdStatus.state).toBe('NOT_FOUND');
    expect(checks().map((c) => c.headers['api-key'])).toEqual([user.key, admin.key].map(maskSecret));
  });

  it('a documented 400 (a parameter did not arrive) is BAD_USER_INPUT', async () => {
    emu.switches.drop = ['match_id'];
    const r = await status('PAID_001');
    expect(codes(r)).toEqual([{ path: 'matchIdStatus', code: 'BAD_USER_INPUT' }]);
    expect(upstreamOf(r)).toMatchObject({ status: 400, message: 'API key and match ID are required' });
  });

  it("a framework's 422 validation body is BAD_USER_INPUT, not NOT_FOUND", async () => {
    emu.switches.drop = ['match_id'];
    emu.switches.missingParams = 'framework';
    const r = await status('PAID_001');
    expect(r.data).toEqual({ matchIdStatus: null });
    expect(codes(r)).toEqual([{ path: 'matchIdStatus', code: 'BAD_USER_INPUT' }]);
    expect(upstreamOf(r)).toMatchObject({ status: 422, message: 'query.match_id: Field required' });
  });

  it("a framework's 422 about the api-key header is UNAUTHENTICATED", async () => {
    emu.switches.drop = ['api-key'];
    emu.switches.missingParams = 'framework';
    const r = await status('PAID_001');
    expect(codes(r)).toEqual([{ path: 'matchIdStatus', code: 'UNAUTHENTICATED' }]);
    expect(upstreamOf(r)).toMatchObject({ status: 422, message: 'header.api-key: Field required' });
  });
});

describe('SolSub matchIdStatuses', () => {
  it('answers in the order asked, one check per distinct id', async () => {
    const ids = ['TRIAL_001', 'PAID_001', 'NOPE', 'PAID_001', 'EXPIRED_001', 'TRIAL_001'];
    const r = await h.query(MatchIdStatusesDocument, { matchIds: ids });
    expect(r.errors).toBeUndefined();
    expect(r.data!.matchIdStatuses!.map((s) => [s!.matchId, s!.state])).toEqual([
      ['TRIAL_001', 'TRIAL_ACTIVE'],
      ['PAID_001', 'PAID_ACTIVE'],
      ['NOPE', 'NOT_FOUND'],
      ['PAID_001', 'PAID_ACTIVE'],
      ['EXPIRED_001', 'EXPIRED'],
      ['TRIAL_001', 'TRIAL_ACTIVE'],
    ]);
    expect(checkedIds().sort()).toEqual(['EXPIRED_001', 'NOPE', 'PAID_001', 'TRIAL_001']);
  });

  it('checks an id once across aliases, lists and repeats of one request', async () => {
    const r = await h.send(
      `query($ids: [String!]!) {
        a: matchIdStatus(matchId: "PAID_001") { state }
        b: matchIdStatus(matchId: "PAID_001") { active detail }
        c: matchIdStatuses(matchIds: $ids) { matchId state }
        d: matchIdStatuses(matchIds: ["TRIAL_001", "PAID_001"]) { state }
      }`,
      { ids: ['PAID_001', 'TRIAL_001', 'PAID_001', 'NOPE'] },
    );
    expect(r.errors).toBeUndefined();
    expect(checkedIds().sort()).toEqual(['NOPE', 'PAID_001', 'TRIAL_001']);
    expect(emu.matchId(admin.name, 'PAID_001')!.hitsUsed).toBe(1);
    expect(emu.matchId(admin.name, 'TRIAL_001')!.hitsUsed).toBe(1);
  });

  it('a failed check is null with an error at its index; the other checks arrive', async () => {
    const r = await h.query(MatchIdStatusesDocument, { matchIds: ['PAID_001', 'LIMIT_001'] });
    const statuses = (r.data as { matchIdStatuses: Array<{ matchId: string } | null> }).matchIdStatuses;
    expect(statuses.map((x) => x?.matchId ?? null)).toEqual(['PAID_001', null]);
    expect(codes(r)).toEqual([{ path: 'matchIdStatuses.1', code: 'RATE_LIMITED' }]);
  });
});

describe('SolSub hit budget', () => {
  it(`spends one hit per check: with the cache off the ${HIT_LIMIT + 1}st check is RATE_LIMITED`, async () => {
    for (let i = 0; i < HIT_LIMIT; i++) {
      const r = await status('PAID_002');
      expect(r.data?.matchIdStatus.state, `check ${i + 1}`).toBe('PAID_ACTIVE');
    }
    const r = await status('PAID_002');
    expect(codes(r)).toEqual([{ path: 'matchIdStatus', code: 'RATE_LIMITED' }]);
    expect(upstreamOf(r)).toMatchObject({ status: 405, message: 'API Limit Reached' });
    expect(checks()).toHaveLength(HIT_LIMIT + 1);
    expect(emu.matchId(admin.name, 'PAID_002')!.hitsUsed).toBe(HIT_LIMIT);
  });
});

describe('SolSub input validation', () => {
  it.each([[''], ['a b'], ['x'.repeat(65)], ['ümlaut'], ['../x'], ['A,B'], ['A&match_id=B'], ['A\n']])(
    'refuses Match ID %j before any call',
    async (bad) => {
      const r1 = await status(bad);
      expect(codes(r1)).toEqual([{ path: 'matchIdStatus', code: 'BAD_USER_INPUT' }]);
      const r2 = await h.query(MatchIdStatusesDocument, { matchIds: ['PAID_001', bad] });
      expect(codes(r2)).toEqual([{ path: 'matchIdStatuses', code: 'BAD_USER_INPUT' }]);
      expect(r2.errors![0]!.extensions!.field).toEqual(['matchIds', '1']);
      expect(emu.requests).toHaveLength(0);
    },
  );

  it('accepts 64 characters of letters, digits, "_" and "-"', async () => {
    const id = `A-b_9${'x'.repeat(59)}`;
    const r = await status(id);
    expect(r.data!.matchIdStatus.state).toBe('NOT_FOUND');
    expect(checkedIds()).toEqual([id]);
  });

  it('refuses more than 100 distinct ids in one request before any call', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `ID_${i}`);
    const r = await h.query(MatchIdStatusesDocument, { matchIds: ids });
    expect(codes(r)).toEqual([{ path: 'matchIdStatuses', code: 'BAD_USER_INPUT' }]);
    const r2 = await h.send(
      `query($a: [String!]!, $b: [String!]!) { a: matchIdStatuses(matchIds: $a) { state } b: matchIdStatuses(matchIds: $b) { state } }`,
      { a: ids.slice(0, 60), b: ids.slice(40, 101) },
    );
    expect(codes(r2).map((c) => c.code)).toContain('BAD_USER_INPUT');
    expect(checks().length).toBeLessThanOrEqual(60);
  });

  it('takes a list of 100 and checks each distinct id once', async () => {
    const ids = Array.from({ length: 95 }, (_, i) => `ID_${i}`);
    const r = await h.query(MatchIdStatusesDocument, { matchIds: [...ids, ...ids.slice(0, 5)] });
    expect(r.errors).toBeUndefined();
    expect(r.data!.matchIdStatuses!.map((s) => s!.matchId)).toEqual([...ids, ...ids.slice(0, 5)]);
    expect(checks()).toHaveLength(95);
  });
});

describe('SolSub faults', () => {
  it('5xx is UPSTREAM_UNAVAILABLE after one retry of the read', async () => {
    emu.setFault({ kind: 'status', status: 503, match: 'check' });
    const r = await status('PAID_001');
    expect(codes(r)).toEqual([{ path: 'matchIdStatus', code: 'UPSTREAM_UNAVAILABLE' }]);
    expect(upstreamOf(r)).toMatchObject({ api: 'solsub', status: 503 });
    expect(checks()).toHaveLength(2);
  });

  it('a single 500 is retried and answered', async () => {
    emu.setFault({ kind: 'status', status: 500, times: 1 });
    const r = await status('PAID_001');
    expect(r.data!.matchIdStatus.state).toBe('PAID_ACTIVE');
    expect(checks()).toHaveLength(2);
  });

  it('a timeout is UPSTREAM_UNAVAILABLE', async () => {
    emu.setFault({ kind: 'hang' });
    const r = await status('PAID_001');
    expect(codes(r)).toEqual([{ path: 'matchIdStatus', code: 'UPSTREAM_UNAVAILABLE' }]);
    expect(r.errors![0]!.message).toMatch(/timed out/);
    expect(checks()).toHaveLength(2);
  });

  it('a dropped connection is UPSTREAM_UNAVAILABLE', async () => {
    emu.setFault({ kind: 'reset' });
    const r = await status('PAID_001');
    expect(codes(r)).toEqual([{ path: 'matchIdStatus', code: 'UPSTREAM_UNAVAILABLE' }]);
  });

  it.each<[string, Fault]>([
    ['an HTML page with 200', { kind: 'html' }],
    ['an HTML page with 403', { kind: 'html', status: 403 }],
    ['truncated JSON with 200', { kind: 'malformed' }],
    ['JSON of another shape with 200', { kind: 'wrongShape' }],
    ['a plain-text 418', { kind: 'status', status: 418 }],
  ])('%s is UPSTREAM_BAD_RESPONSE, never PAID_ACTIVE', async (_name, fault) => {
    emu.setFault(fault);
    const r = await status('PAID_001');
    expect(r.data).toEqual({ matchIdStatus: null });
    expect(codes(r)).toEqual([{ path: 'matchIdStatus', code: 'UPSTREAM_BAD_RESPONSE' }]);
    expect(upstreamOf(r)).toMatchObject({ api: 'solsub', status: fault.status ?? 200 });
  });

  it('no credential appears in any error', async () => {
    emu.setFault({ kind: 'html' });
    const r = await status('PAID_001', { 'x-solsub-api-key': noTrial.key });
    expect(r.raw).not.toContain(noTrial.key);
    expect(r.raw).not.toContain(admin.key);
  });
});
