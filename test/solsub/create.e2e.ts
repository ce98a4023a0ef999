import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CLUSTERS, HIT_LIMIT, type SolsubEmulator } from '../../emulators/solsub/index.ts';
import { solsubPart } from '../../stack/parts/solsub.ts';
import { resetBreakers } from '../../subgraphs/shared/breaker.ts';
import { codes, type GqlResult } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';
import { maskSecret } from '../../emulators/shared/emulator.ts';
import { CreateMatchIdDocument } from '../../client/__generated__/graphql.ts';

const { admin, noTrial, user } = DEMO_CLUSTERS;

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

const create = (id: string, headers: Record<string, string> = {}) =>
  h.query(CreateMatchIdDocument, { matchId: id }, headers);
const creates = () => emu.calls('create-match-id');
const upstreamOf = (r: GqlResult) => r.errors?.[0]?.extensions?.upstream;
const DAY_MS = 24 * 60 * 60_000;

describe('SolSub createMatchId', () => {
  it('201: creates it in trial where the cluster has a trial period', async () => {
    const before = Date.now();
    const r = await create('MATCH_001');
    expect(r.errors).toBeUndefined();
    const { matchId, userErrors } = r.data!.createMatchId!;
    expect(userErrors).toEqual([]);
    expect(matchId).toMatchObject({ matchId: 'MATCH_001', cluster: admin.name, isTrial: true });
    const till = Date.parse(matchId!.validTill!);
    expect(till).toBeGreaterThanOrEqual(before + 7 * DAY_MS - 2000);
    expect(till).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS + 1000);
    const [call, ...more] = creates();
    expect(more).toHaveLength(0);
    expect(call!.method).toBe('POST');
    expect(call!.path).toBe('/create-match-id/');
    expect(call!.body).toEqual({ match_id: 'MATCH_001' });
    expect(call!.headers['api-key']).toBe(maskSecret(admin.key));
    expect(call!.headers['content-type']).toBe('application/json');
    const row = emu.matchId(admin.name, 'MATCH_001')!;
    expect(row).toMatchObject({ isTrial: true, hitLimit: HIT_LIMIT, hitsUsed: 0 });
    const s = await h.send<{ matchIdStatus: { state: string } }>(
      '{ matchIdStatus(matchId: "MATCH_001") { state } }',
    );
    expect(s.data!.matchIdStatus.state).toBe('TRIAL_ACTIVE');
  });

  it('201 without trial period: isTrial false, no validTill', async () => {
    const r = await create('MATCH_002', { 'x-solsub-api-key': noTrial.key });
    expect(r.data!.createMatchId).toEqual({
      __typename: 'CreateMatchIdPayload',
      matchId: {
        __typename: 'MatchId',
        matchId: 'MATCH_002',
        cluster: noTrial.name,
        isTrial: false,
        validTill: null,
      },
      userErrors: [],
    });
    expect(creates()[0]!.headers['api-key']).toBe(maskSecret(noTrial.key));
  });

  it('409: DUPLICATE with SolSub words', async () => {
    const r = await create('PAID_001');
    expect(r.errors).toBeUndefined();
    expect(r.data!.createMatchId).toEqual({
      __typename: 'CreateMatchIdPayload',
      matchId: null,
      userErrors: [
        {
          __typename: 'UserError',
          field: ['matchId'],
          code: 'DUPLICATE',
          message: "Match ID 'PAID_001' already exists in this cluster.",
        },
      ],
    });
    expect(creates()).toHaveLength(1);
  });

  it('403: NOT_ALLOWED in a user_generated cluster, with SolSub words', async () => {
    const r = await create('MATCH_003', { 'x-solsub-api-key': user.key });
    expect(r.data!.createMatchId).toEqual({
      __typename: 'CreateMatchIdPayload',
      matchId: null,
      userErrors: [
        {
          __typename: 'UserError',
          field: ['matchId'],
          code: 'NOT_ALLOWED',
          message: "Action forbidden: Cluster match_id_type is 'user_generated', expected 'admin_generated'.",
        },
      ],
    });
    expect(emu.matchId(user.name, 'MATCH_003')).toBeUndefined();
  });

  it('404: an unknown key is UNAUTHENTICATED, and the key never shows', async () => {
    const key = 'tenant-secret-key-0815';
    const r = await create('MATCH_004', { 'x-solsub-api-key': key });
    expect(r.data).toEqual({ __typename: 'Mutation', createMatchId: null });
    expect(codes(r)).toEqual([{ path: 'createMatchId', code: 'UNAUTHENTICATED' }]);
    expect(upstreamOf(r)).toEqual({
      api: 'solsub',
      action: 'create-match-id',
      status: 404,
      message: 'Invalid API key or cluster not found',
    });
    expect(r.raw).not.toContain(key);
  });

  it('refuses a bad Match ID as a userError before any call', async () => {
    for (const bad of ['', 'has space', 'x'.repeat(65), 'a/b', 'é']) {
      const r = await create(bad);
      expect(r.data!.createMatchId!.matchId).toBeNull();
      expect(r.data!.createMatchId!.userErrors.map((e) => [e.code, e.field])).toEqual([
        ['INVALID', ['matchId']],
      ]);
    }
    expect(emu.requests).toHaveLength(0);
  });

  it('a documented 400 or a framework 422 from SolSub is an INVALID userError with its words', async () => {
    emu.switches.drop = ['match_id'];
    const r1 = await create('MATCH_005');
    expect(r1.data!.createMatchId!.userErrors).toEqual([
      { __typename: 'UserError', field: ['matchId'], code: 'INVALID', message: 'match_id is required' },
    ]);
    emu.switches.missingParams = 'framework';
    const r2 = await create('MATCH_005');
    expect(r2.data!.createMatchId!.userErrors).toEqual([
      {
        __typename: 'UserError',
        field: ['matchId'],
        code: 'INVALID',
        message: 'body.match_id: Field required',
      },
    ]);
  });
});

describe('SolSub createMatchId faults: never retried', () => {
  it('500 is OUTCOME_UNKNOWN (the create may have happened) after exactly one call', async () => {
    emu.setFault({ kind: 'status', status: 500, match: 'create' });
    const r = await create('MATCH_010');
    expect(codes(r)).toEqual([{ path: 'createMatchId', code: 'OUTCOME_UNKNOWN' }]);
    expect(upstreamOf(r)).toMatchObject({ status: 500 });
    expect(creates()).toHaveLength(1);
  });

  it.each([502, 503, 504])('%i is OUTCOME_UNKNOWN', async (http) => {
    emu.setFault({ kind: 'status', status: http });
    const r = await create('MATCH_011');
    expect(codes(r)).toEqual([{ path: 'createMatchId', code: 'OUTCOME_UNKNOWN' }]);
    expect(creates()).toHaveLength(1);
  });

  it('a timeout after sending is OUTCOME_UNKNOWN, and the create may indeed have happened', async () => {
    emu.setFault({ kind: 'latency', ms: 1200 });
    const r = await create('MATCH_012');
    expect(codes(r)).toEqual([{ path: 'createMatchId', code: 'OUTCOME_UNKNOWN' }]);
    expect(r.errors![0]!.message).toMatch(/may have/);
    expect(creates()).toHaveLength(1);
    // the emulator's own record: its handler has run once the call it was sent is settled
    await emu.idle();
    expect(emu.matchId(admin.name, 'MATCH_012')).toBeDefined();
  });

  it('a connection dropped after sending is OUTCOME_UNKNOWN', async () => {
    emu.setFault({ kind: 'reset' });
    const r = await create('MATCH_013');
    expect(codes(r)).toEqual([{ path: 'createMatchId', code: 'OUTCOME_UNKNOWN' }]);
    expect(creates()).toHaveLength(1);
  });

  it('a 2xx this layer cannot read is OUTCOME_UNKNOWN', async () => {
    for (const kind of ['html', 'malformed', 'wrongShape'] as const) {
      emu.setFault({ kind, times: 1 });
      const r = await create('MATCH_014');
      expect(codes(r), kind).toEqual([{ path: 'createMatchId', code: 'OUTCOME_UNKNOWN' }]);
    }
    expect(creates()).toHaveLength(3);
  });

  it('an HTML 403 (a firewall page, not SolSub) is OUTCOME_UNKNOWN, not NOT_ALLOWED', async () => {
    emu.setFault({ kind: 'html', status: 403 });
    const r = await create('MATCH_015');
    expect(codes(r)).toEqual([{ path: 'createMatchId', code: 'OUTCOME_UNKNOWN' }]);
  });
});
