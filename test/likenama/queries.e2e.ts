import { describe, expect, it } from 'vitest';
import { DEMO_CAMPAIGNS, DEMO_TOKENS, MSG } from '../../emulators/likenama/index.ts';
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';
import { codes, gql } from '../helpers/stack.ts';
import { asUser, useLikenamaStack } from './setup.ts';
import { LikenamaViewerDocument } from '../../client/__generated__/graphql.ts';
import { maskSecret } from '../../emulators/shared/emulator.ts';

const h = useLikenamaStack();

const EVERYTHING = /* GraphQL */ `
  {
    campaigns {
      id
    }
    campaignClasses {
      id
    }
    nextCampaign {
      id
    }
    products {
      id
    }
    bundles {
      bazaarSku
    }
    likenamaViewer {
      username
    }
  }
`;

describe('Likenama queries through the gateway', () => {
  it('sends the documented headers with the raw token of the caller', async () => {
    const r = await h.query(LikenamaViewerDocument, undefined, asUser(DEMO_TOKENS.phoebe));
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      __typename: 'Query',
      likenamaViewer: {
        __typename: 'LikenamaUser',
        username: 'phoebe_buffay',
        likeCredit: 20000,
        coinCredit: 10000,
      },
    });
    const [call] = h.emu.calls('GET /api/users/self');
    expect(h.emu.requests).toHaveLength(1);
    expect(call!.headers).toMatchObject({
      authorization: maskSecret(DEMO_TOKENS.phoebe),
      accept: 'application/vnd.likenama.v1',
      'content-type': 'application/json',
      'user-agent': 'Likenama/1.0.0 Android/10',
    });
    // the gateway's own headers never reach Likenama
    expect(Object.keys(call!.headers)).not.toContain('x-likenama-token');
    expect(Object.keys(call!.headers)).not.toContain('x-gateway-secret');
  });

  it('lists the caller’s campaigns with statuses mapped and the raw words kept', async () => {
    const r = await h.q<{ campaigns: unknown[] }>(
      `{ campaigns { id targetUrl campaignType paymentType paymentTypeText status statusText budget totalLikes } }`,
      DEMO_TOKENS.phoebe,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.campaigns).toEqual([
      {
        id: '2422',
        targetUrl: 'http://instagram.com/p/BFq0ln1yz2B',
        campaignType: 'instagram_liking',
        paymentType: 'LIKE',
        paymentTypeText: 'like',
        status: 'SHOWING',
        statusText: 'درحالنمایش',
        budget: 1000,
        totalLikes: 0,
      },
      {
        id: '2420',
        targetUrl: 'http://instagram.com/p/BFq0lA8yz1x',
        campaignType: 'instagram_liking',
        paymentType: 'COIN',
        paymentTypeText: 'coin',
        status: 'REJECTED',
        statusText: 'ردشده',
        budget: 1000,
        totalLikes: 0,
      },
      {
        id: '2419',
        targetUrl: 'http://instagram.com/p/BFq0k7Xyz0w',
        campaignType: 'instagram_liking',
        paymentType: 'COIN',
        paymentTypeText: 'coin',
        status: 'AVAILABLE',
        statusText: 'available',
        budget: 1000,
        totalLikes: 0,
      },
    ]);
  });

  it('maps ended and pending campaigns, and UNKNOWN for a status it does not know', async () => {
    const r = await h.q<{ campaigns: Array<{ id: string; status: string; statusText: string }> }>(
      `{ campaigns { id status statusText } }`,
      DEMO_TOKENS.joey,
    );
    expect(r.data!.campaigns).toEqual([
      { id: '3104', status: 'UNKNOWN', statusText: 'بایگانیشده' },
      { id: '3103', status: 'PENDING', statusText: 'درحالبررسی' },
      { id: '3102', status: 'ENDED', statusText: 'ended' },
      { id: '3101', status: 'SHOWING', statusText: 'درحالنمایش' },
    ]);
  });

  it('answers [] when Likenama says the user has no campaigns (404)', async () => {
    const r = await h.q(`{ campaigns { id } }`, DEMO_TOKENS.monica);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ campaigns: [] });
    expect(h.emu.calls('GET /api/campaigns')).toHaveLength(1);
  });

  it('lists campaign classes with every documented field', async () => {
    const r = await h.q(
      `{ campaignClasses { id campaignType paymentType paymentTypeText waiting maxUserLikes campaignValue
         fields { description phone website address } } }`,
      DEMO_TOKENS.phoebe,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      campaignClasses: [
        {
          id: '1092',
          campaignType: 'instagram_liking',
          paymentType: 'LIKE',
          paymentTypeText: 'like',
          waiting: 0,
          maxUserLikes: 2000,
          campaignValue: 10,
          fields: { description: false, phone: false, website: false, address: false },
        },
        {
          id: '1093',
          campaignType: 'instagram_liking',
          paymentType: 'COIN',
          paymentTypeText: 'coin',
          waiting: 15,
          maxUserLikes: 2000,
          campaignValue: 5,
          fields: { description: true, phone: true, website: true, address: true },
        },
      ],
    });
    expect(h.emu.calls('GET /api/campaigns/new')).toHaveLength(1);
  });

  it('offers the next campaign with every documented field, and null when none is left (404)', async () => {
    const r = await h.q(
      `{ nextCampaign { id paymentType paymentTypeText coinUserShare likeUserShare waiting cover description phone website address } }`,
      DEMO_TOKENS.phoebe,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      nextCampaign: {
        id: String(DEMO_CAMPAIGNS.likeable),
        paymentType: 'LIKE',
        paymentTypeText: 'like',
        coinUserShare: 0,
        likeUserShare: 5,
        waiting: 0,
        cover: 'http://likenama.com/system/instagram_liking_campaigns/covers/000/000/578/original/cover.jpg',
        description: 'Sunt quo molestiae a neque sapiente.',
        phone: '09123456789',
        website: 'http://volkman.us',
        address: '0260 Abshire Locks, Grafton NSW 0800',
      },
    });

    for (const c of h.emu.app.campaigns.values()) c.state = 'ended';
    const none = await h.q(`{ nextCampaign { id } }`, DEMO_TOKENS.phoebe);
    expect(none.errors).toBeUndefined();
    expect(none.data).toEqual({ nextCampaign: null });
    expect(h.emu.calls('GET /api/campaigns/next')).toHaveLength(2);
  });

  it('lists the shop and the bundles (prices exact), and [] when either is empty (404)', async () => {
    const r = await h.q(
      `{ products { id title productType price description } bundles { bazaarSku price coins freeCoins } }`,
      DEMO_TOKENS.joey,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toMatchObject({
      products: [
        { id: '54', title: 'Remote Kit', productType: 'mobiletopup', price: 6398 },
        { id: '55', title: 'Gel Output Bridge', price: 9527 },
        { id: '57', title: 'Gel Mount', price: 7942 },
        { id: '58', title: 'شارژ ۱۰۰۰ تومانی', price: 30, description: 'کد شارژ همراه اول' },
      ],
      bundles: [
        { bazaarSku: 'lurline', price: '3', coins: 1, freeCoins: 1 },
        { bazaarSku: 'desiree.larson', price: '3', coins: 1, freeCoins: 1 },
        { bazaarSku: 'coins_1000', price: '49000', coins: 1000, freeCoins: 100 },
      ],
    });

    h.emu.app.products.clear();
    h.emu.app.bundles.clear();
    h.emu.clearRequests();
    const empty = await h.q(`{ products { id } bundles { bazaarSku } }`, DEMO_TOKENS.joey);
    expect(empty.errors).toBeUndefined();
    expect(empty.data).toEqual({ products: [], bundles: [] });
    expect(h.emu.requests.map((c) => c.action).sort()).toEqual(['GET /api/bundles', 'GET /api/products']);
  });

  it('reads the user and the campaigns once per request, however many aliases ask', async () => {
    const r = await h.q(
      `{
        a: likenamaViewer { username }
        b: likenamaViewer { likeCredit coinCredit }
        c: campaigns { id }
        d: campaigns { status }
        e: products { id }
        f: products { title }
      }`,
      DEMO_TOKENS.phoebe,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toMatchObject({ a: { username: 'phoebe_buffay' }, b: { likeCredit: 20000 } });
    expect(h.emu.requests.map((c) => c.action).sort()).toEqual([
      'GET /api/campaigns',
      'GET /api/products',
      'GET /api/users/self',
    ]);
  });

  it('never mixes two users’ data across parallel requests', async () => {
    const users = [
      { token: DEMO_TOKENS.phoebe, username: 'phoebe_buffay', campaigns: ['2422', '2420', '2419'] },
      { token: DEMO_TOKENS.joey, username: 'joey_tribbiani', campaigns: ['3104', '3103', '3102', '3101'] },
      { token: DEMO_TOKENS.monica, username: 'monica_geller', campaigns: [] },
    ];
    const asked = Array.from({ length: 30 }, (_, i) => users[i % users.length]!);
    const results = await Promise.all(
      asked.map((u) =>
        h.q<{ likenamaViewer: { username: string }; campaigns: Array<{ id: string }> }>(
          `{ likenamaViewer { username } campaigns { id } }`,
          u.token,
        ),
      ),
    );
    results.forEach((r, i) => {
      expect(r.errors).toBeUndefined();
      expect(r.data!.likenamaViewer.username).toBe(asked[i]!.username);
      expect(r.data!.campaigns.map((c) => c.id)).toEqual(asked[i]!.campaigns);
    });
    // Each call carries the token of a request that asked for it: identical reads in flight at
    // once may be shared (UPSTREAM_SHARE_READS), but only between requests of the same user, so
    // each user's two reads reach Likenama at least once and at most once per request of theirs.
    const byToken = new Map<string, Map<string, number>>();
    for (const call of h.emu.requests) {
      const calls = byToken.get(call.headers.authorization!) ?? new Map<string, number>();
      calls.set(call.action, (calls.get(call.action) ?? 0) + 1);
      byToken.set(call.headers.authorization!, calls);
    }
    expect([...byToken.keys()].sort()).toEqual(users.map((u) => maskSecret(u.token)).sort());
    for (const u of users) {
      const calls = byToken.get(maskSecret(u.token))!;
      expect([...calls.keys()].sort()).toEqual(['GET /api/campaigns', 'GET /api/users/self']);
      for (const n of calls.values()) {
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(10);
      }
    }
  });
});

describe('Likenama auth', () => {
  it.each([
    'campaigns { id }',
    'campaignClasses { id }',
    'nextCampaign { id }',
    'products { id }',
    'bundles { bazaarSku }',
    'likenamaViewer { username }',
  ])('refuses %s without a token, calling nothing', async (field) => {
    const name = field.split(' ')[0]!;
    const r = await h.q(`{ ${field} }`, undefined);
    expect(r.data).toEqual({ [name]: null });
    expect(codes(r)).toEqual([{ path: name, code: 'UNAUTHENTICATED' }]);
    expect(r.errors![0]!.message).toMatch(/x-likenama-token/);
    expect(h.emu.requests).toHaveLength(0);
  });

  it('refuses a whole query without a token, calling nothing', async () => {
    const r = await h.q(EVERYTHING, undefined);
    // every root is nullable (SCHEMA.md): each is null with its own UNAUTHENTICATED error
    const roots = Object.keys(r.data!);
    expect(roots.length).toBeGreaterThan(1);
    for (const root of roots) expect(r.data![root]).toBeNull();
    expect(codes(r).sort((a, b) => a.path!.localeCompare(b.path!))).toEqual(
      roots.sort().map((path) => ({ path, code: 'UNAUTHENTICATED' })),
    );
    expect(h.emu.requests).toHaveLength(0);
  });

  it('refuses a mutation without a token before validating or calling anything', async () => {
    const r = await h.q(
      `mutation { reportCampaign(id: "2578") { alreadyReported userErrors { code } } }`,
      undefined,
    );
    expect(codes(r)).toEqual([{ path: 'reportCampaign', code: 'UNAUTHENTICATED' }]);
    expect(h.emu.requests).toHaveLength(0);
  });

  it('refuses a header that cannot be a token, calling nothing', async () => {
    const r = await h.q(`{ likenamaViewer { username } }`, 'two words');
    expect(codes(r)).toEqual([{ path: 'likenamaViewer', code: 'UNAUTHENTICATED' }]);
    expect(h.emu.requests).toHaveLength(0);
  });

  it.each([
    ['an expired token', DEMO_TOKENS.expired, MSG.sessionExpired, 'SESSION_EXPIRED'],
    ['a locked account', DEMO_TOKENS.locked, MSG.accountLocked, 'ACCOUNT_LOCKED'],
  ])(
    'turns upstream 401 for %s into UNAUTHENTICATED with Likenama’s own words',
    async (_w, token, words, reason) => {
      const r = await h.q(`{ likenamaViewer { username } }`, token);
      expect(r.data).toEqual({ likenamaViewer: null });
      expect(r.errors).toHaveLength(1);
      const e = r.errors![0]!;
      expect(e.message).toBe(words);
      expect(e.extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason,
        upstream: { api: 'likenama', status: 401, message: words },
      });
      expect(h.emu.requests).toHaveLength(1);
      expect(r.raw).not.toContain(token);
    },
  );

  it('fails a like with the caller’s expired token as UNAUTHENTICATED, not as a userError', async () => {
    const r = await h.q(
      `mutation { likeCampaign(id: "2578", instagramAccessToken: "ig-token") { user { username } userErrors { code } } }`,
      DEMO_TOKENS.expired,
    );
    expect(codes(r)).toEqual([{ path: 'likeCampaign', code: 'UNAUTHENTICATED' }]);
    expect(r.errors![0]!.message).toBe(MSG.sessionExpired);
  });
});

describe('Campaign entity', () => {
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { id status statusText budget } } }`;
  const direct = (reps: unknown[], token?: string) =>
    gql<{ _entities: Array<{ id: string; status: string } | null> }>(
      h.stack.subgraphs.likenama!.url,
      ENTITIES,
      { r: reps },
      { [GATEWAY_SECRET_HEADER]: h.stack.secret, ...(token ? { 'x-likenama-token': token } : {}) },
    );
  const rep = (id: string) => ({ __typename: 'Campaign', id });

  it('resolves references from one read of the caller’s campaigns, in order, null + NOT_FOUND for others', async () => {
    const r = await direct(
      [rep('2419'), rep('9999'), rep('2422'), rep('2419'), rep('3101')],
      DEMO_TOKENS.phoebe,
    );
    expect(r.data!._entities).toEqual([
      { id: '2419', status: 'AVAILABLE', statusText: 'available', budget: 1000 },
      null,
      { id: '2422', status: 'SHOWING', statusText: 'درحالنمایش', budget: 1000 },
      { id: '2419', status: 'AVAILABLE', statusText: 'available', budget: 1000 },
      // joey's campaign is not phoebe's to see
      null,
    ]);
    expect(codes(r)).toEqual([
      { path: '_entities.1', code: 'NOT_FOUND' },
      { path: '_entities.4', code: 'NOT_FOUND' },
    ]);
    expect(h.emu.calls('GET /api/campaigns')).toHaveLength(1);
    expect(h.emu.requests).toHaveLength(1);
  });

  it('refuses a reference without a token or with an id that is not digits, calling nothing', async () => {
    const none = await direct([rep('2419')]);
    expect(codes(none)).toEqual([{ path: '_entities.0', code: 'UNAUTHENTICATED' }]);
    const bad = await direct([rep('../2419')], DEMO_TOKENS.phoebe);
    expect(codes(bad)).toEqual([{ path: '_entities.0', code: 'BAD_USER_INPUT' }]);
    expect(h.emu.requests).toHaveLength(0);
  });

  it('answers only its gateway', async () => {
    const r = await gql(
      h.stack.subgraphs.likenama!.url,
      ENTITIES,
      { r: [rep('2419')] },
      {
        'x-likenama-token': DEMO_TOKENS.phoebe,
      },
    );
    expect(r.status).toBe(401);
    expect(h.emu.requests).toHaveLength(0);
  });
});
