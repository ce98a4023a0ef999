import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, DEMO_AGENCY_ACCOUNT } from '../../emulators/solmate/index.ts';
import { buildSubgraphServer } from '../../subgraphs/shared/server.ts';
import { solmateConfigFromEnv } from '../../subgraphs/solmate/config.ts';
import { createSolmateSubgraph } from '../../subgraphs/solmate/subgraph.ts';
import { codes } from '../helpers/stack.ts';
import { basic, CREATE, SEED, useSolmateStack, validCreate } from './helpers.ts';
import { maskAuthorization } from '../../emulators/shared/emulator.ts';

const s = useSolmateStack();
beforeEach(() => s.emu.reset());

const READ = `{ order(id: "${SEED.running}") { id title } }`;
const STATUS_READ = `{ order(id: "${SEED.running}") { id status } }`;
const PAUSE = `mutation { pauseOrder(id: "${SEED.running}") { order { id } userErrors { code message } } }`;
const DELETE = `mutation { deleteOrder(id: "${SEED.running}") { deletedId userErrors { code } } }`;
const create = () => s.q(CREATE, { input: validCreate() });
const upstreamOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  r.errors?.[0]?.extensions?.upstream as Record<string, unknown> | undefined;

describe('credentials', () => {
  const AGENCY = basic(DEMO_AGENCY_ACCOUNT.user, DEMO_AGENCY_ACCOUNT.password);

  it('answers UNAUTHENTICATED when Solmate refuses the caller header, without leaking it', async () => {
    const wrong = basic(DEMO_ACCOUNT.user, 'not-the-password');
    const r = await s.q(READ, undefined, { 'x-solmate-authorization': wrong });
    expect(r.data).toEqual({ order: null });
    expect(codes(r)).toEqual([{ path: 'order', code: 'UNAUTHENTICATED' }]);
    expect(upstreamOf(r)).toMatchObject({ api: 'solmate', status: 401, message: 'Unauthorized' });
    expect(s.emu.calls('getOrder')[0]!.headers.authorization).toBe(maskAuthorization(wrong));
    // a read refused for credentials is not retried
    expect(s.emu.calls('getOrder')).toHaveLength(1);
    expect(r.raw).not.toContain('not-the-password');
    expect(r.raw).not.toContain(wrong.slice(6));
  });

  it('answers UNAUTHENTICATED for a write with wrong credentials, as an error (not a userError)', async () => {
    const r = await s.q(PAUSE, undefined, {
      'x-solmate-authorization': basic('nobody@solmate.cc', 'x-secret-1'),
    });
    expect(codes(r)).toEqual([{ path: 'pauseOrder', code: 'UNAUTHENTICATED' }]);
    expect(s.emu.solmate.orders.get(SEED.running)!.state).toBe('running');
  });

  it('refuses a header that is not a full Basic value before any call', async () => {
    for (const value of ['Bearer abc', DEMO_ACCOUNT.password, 'Basic !!!']) {
      const r = await s.q(READ, undefined, { 'x-solmate-authorization': value });
      expect(codes(r)).toEqual([{ path: 'order', code: 'UNAUTHENTICATED' }]);
      expect(r.raw).not.toContain(DEMO_ACCOUNT.password);
    }
    expect(s.emu.requests).toHaveLength(0);
  });

  it("uses the caller's own account when the header is sent: its orders, not the configured account's", async () => {
    const theirs = await s.q<{ createOrder: { order: { id: string } } }>(
      CREATE,
      { input: validCreate() },
      { 'x-solmate-authorization': AGENCY },
    );
    const id = theirs.data!.createOrder.order.id;
    expect(s.emu.solmate.orders.get(id)!.owner).toBe(DEMO_AGENCY_ACCOUNT.user);
    expect(s.emu.calls('createOrder')[0]!.headers.authorization).toBe(maskAuthorization(AGENCY));

    const mine = await s.q(`{ order(id: "${id}") { id } }`);
    expect(codes(mine)).toEqual([{ path: 'order', code: 'NOT_FOUND' }]);
    const seen = await s.q(`{ order(id: "${id}") { id } }`, undefined, { 'x-solmate-authorization': AGENCY });
    expect(seen.data).toEqual({ order: { id } });
    const seed = await s.q(READ, undefined, { 'x-solmate-authorization': AGENCY });
    expect(codes(seed)).toEqual([{ path: 'order', code: 'NOT_FOUND' }]);
  });

  it('answers UNAUTHENTICATED when the configured account is wrong', async () => {
    const def = createSolmateSubgraph(
      solmateConfigFromEnv({
        ...s.stack.env,
        SOLMATE_PASSWORD: 'stale-password',
        UPSTREAM_READ_RETRIES: '0',
      }),
    );
    const server = buildSubgraphServer(def);
    await server.start();
    try {
      const res = await server.executeOperation(
        { query: READ },
        { contextValue: await def.context({ headers: {} }) },
      );
      const body = res.body.kind === 'single' ? res.body.singleResult : undefined;
      expect(body?.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(body)).not.toContain('stale-password');
      expect(s.emu.calls('getOrder')).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });

  it('answers UNAUTHENTICATED with no configured account and no header, before any call', async () => {
    const def = createSolmateSubgraph(solmateConfigFromEnv({ SOLMATE_URL: s.stack.env.SOLMATE_URL }));
    const server = buildSubgraphServer(def);
    await server.start();
    try {
      const ctx = await def.context({ headers: {} });
      const res = await server.executeOperation({ query: READ }, { contextValue: ctx });
      const body = res.body.kind === 'single' ? res.body.singleResult : undefined;
      expect(body?.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      // fields that need no account still work
      const d = await server.executeOperation({ query: '{ adDistricts { value } }' }, { contextValue: ctx });
      expect(d.body.kind === 'single' && d.body.singleResult.errors).toBeUndefined();
      expect(s.emu.requests).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });
});

describe('faults on reads (retried once under TEST_ENV)', () => {
  it('answers UPSTREAM_UNAVAILABLE after a retry when Solmate answers 503', async () => {
    s.emu.setFault({ kind: 'status', status: 503, match: 'getOrder' });
    const r = await s.q(READ);
    expect(r.data).toEqual({ order: null });
    expect(codes(r)).toEqual([{ path: 'order', code: 'UPSTREAM_UNAVAILABLE' }]);
    expect(upstreamOf(r)).toMatchObject({ api: 'solmate', status: 503, action: 'getOrder' });
    expect(s.emu.calls('getOrder')).toHaveLength(2);
  });

  it('recovers when only the first attempt fails', async () => {
    s.emu.setFault({ kind: 'status', status: 502, match: 'getOrder', times: 1 });
    const r = await s.q(READ);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ order: { id: SEED.running, title: '淘米-賽爾號星戰再起' } });
    expect(s.emu.calls('getOrder')).toHaveLength(2);
  });

  it('answers UPSTREAM_UNAVAILABLE after a retry when Solmate does not answer in time', async () => {
    s.emu.setFault({ kind: 'hang', match: 'getOrder' });
    const r = await s.q(READ);
    expect(codes(r)).toEqual([{ path: 'order', code: 'UPSTREAM_UNAVAILABLE' }]);
    expect(r.errors![0]!.message).toMatch(/timed out/);
    expect(s.emu.calls('getOrder')).toHaveLength(2);
  });

  it('answers the status field alone with UPSTREAM_UNAVAILABLE when only the status call fails', async () => {
    s.emu.setFault({ kind: 'status', status: 500, match: 'getStatus' });
    const r = await s.q(STATUS_READ);
    expect(r.data).toEqual({ order: { id: SEED.running, status: null } });
    expect(codes(r)).toEqual([{ path: 'order.status', code: 'UPSTREAM_UNAVAILABLE' }]);
  });

  it.each([
    ['an HTML page', { kind: 'html' as const }],
    ['an HTML error page with 403', { kind: 'html' as const, status: 403 }],
    ['malformed JSON', { kind: 'malformed' as const }],
    ['JSON of the wrong shape', { kind: 'wrongShape' as const }],
  ])('answers UPSTREAM_BAD_RESPONSE for %s', async (_what, fault) => {
    s.emu.setFault({ ...fault, match: 'getOrder' });
    const r = await s.q(READ);
    expect(r.data).toEqual({ order: null });
    expect(codes(r)).toEqual([{ path: 'order', code: 'UPSTREAM_BAD_RESPONSE' }]);
    expect(s.emu.calls('getOrder')).toHaveLength(1);
  });

  it('answers UPSTREAM_BAD_RESPONSE when the status call sends a body of the wrong shape', async () => {
    s.emu.setFault({ kind: 'wrongShape', match: 'getStatus' });
    const r = await s.q(STATUS_READ);
    expect(codes(r)).toEqual([{ path: 'order.status', code: 'UPSTREAM_BAD_RESPONSE' }]);
  });

  it('answers RATE_LIMITED for HTTP 429', async () => {
    s.emu.setFault({ kind: 'rateLimit', match: 'getOrder' });
    const r = await s.q(READ);
    expect(codes(r)).toEqual([{ path: 'order', code: 'RATE_LIMITED' }]);
  });
});

describe('faults on writes (never retried)', () => {
  it('answers OUTCOME_UNKNOWN after exactly one call when create times out', async () => {
    s.emu.setFault({ kind: 'hang', match: 'createOrder' });
    const r = await create();
    expect(r.data).toEqual({ createOrder: null });
    expect(codes(r)).toEqual([{ path: 'createOrder', code: 'OUTCOME_UNKNOWN' }]);
    expect(r.errors![0]!.message).toMatch(/may have taken effect/);
    expect(s.emu.calls('createOrder')).toHaveLength(1);
  });

  it.each([
    ['pause', PAUSE, 'pauseOrder'],
    ['delete', DELETE, 'deleteOrder'],
  ])('answers OUTCOME_UNKNOWN after exactly one call when %s times out', async (_what, query, action) => {
    s.emu.setFault({ kind: 'hang', match: action });
    const r = await s.q(query);
    expect(codes(r)).toEqual([{ path: action, code: 'OUTCOME_UNKNOWN' }]);
    expect(s.emu.calls(action)).toHaveLength(1);
  });

  it('answers OUTCOME_UNKNOWN when the connection drops after sending an update', async () => {
    s.emu.setFault({ kind: 'reset', match: 'updateOrder' });
    const r = await s.q(
      `mutation($input: UpdateOrderInput!) { updateOrder(id: "${SEED.running}", input: $input) { userErrors { code } } }`,
      {
        input: {
          totalBudget: '10',
          dailyBudget: '1',
          materialUrl: 'https://a.example/m',
          clickUrl: 'https://a.example/c',
        },
      },
    );
    expect(codes(r)).toEqual([{ path: 'updateOrder', code: 'OUTCOME_UNKNOWN' }]);
    expect(s.emu.calls('updateOrder')).toHaveLength(1);
  });

  it.each([
    ['an HTML page with 200', 'OUTCOME_UNKNOWN', { kind: 'html' as const }],
    ['malformed JSON with 200', 'OUTCOME_UNKNOWN', { kind: 'malformed' as const }],
    ['a 200 without an id', 'OUTCOME_UNKNOWN', { kind: 'wrongShape' as const }],
    ['HTTP 502 from a proxy', 'OUTCOME_UNKNOWN', { kind: 'status' as const, status: 502 }],
    ['HTTP 504 from a proxy', 'OUTCOME_UNKNOWN', { kind: 'status' as const, status: 504 }],
    ['HTTP 503', 'OUTCOME_UNKNOWN', { kind: 'status' as const, status: 503 }],
    ['HTTP 500', 'OUTCOME_UNKNOWN', { kind: 'status' as const, status: 500 }],
    ['an undocumented HTML page with 403', 'OUTCOME_UNKNOWN', { kind: 'html' as const, status: 403 }],
    ['HTTP 429', 'RATE_LIMITED', { kind: 'rateLimit' as const }],
  ])('answers create with %s as %s, after exactly one call', async (_what, code, fault) => {
    s.emu.setFault({ ...fault, match: 'createOrder' });
    const r = await create();
    expect(codes(r)).toEqual([{ path: 'createOrder', code }]);
    expect(s.emu.calls('createOrder')).toHaveLength(1);
  });

  it('answers a status change with an unreadable 200 as OUTCOME_UNKNOWN', async () => {
    s.emu.setFault({ kind: 'malformed', match: 'pauseOrder' });
    const r = await s.q(PAUSE);
    expect(codes(r)).toEqual([{ path: 'pauseOrder', code: 'OUTCOME_UNKNOWN' }]);
    expect(s.emu.calls('pauseOrder')).toHaveLength(1);
  });

  it('is unaffected by a slow Solmate within the deadline', async () => {
    s.emu.setFault({ kind: 'latency', ms: 300, match: 'createOrder' });
    const r = await create();
    expect(r.errors).toBeUndefined();
    expect(s.emu.calls('createOrder')).toHaveLength(1);
  });
});
