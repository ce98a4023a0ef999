import { describe, expect, it } from 'vitest';
import { DEMO_CAMPAIGNS, DEMO_INSTAGRAM_TOKEN, DEMO_TOKENS } from '../../emulators/likenama/index.ts';
import { json, type Handler } from '../../emulators/shared/emulator.ts';
import { codes } from '../helpers/stack.ts';
import { useLikenamaStack } from './setup.ts';

const h = useLikenamaStack();

const VIEWER = `{ likenamaViewer { username } }`;
const CAMPAIGNS = `{ campaigns { id } }`;
const LIKE = `mutation { likeCampaign(id: "${DEMO_CAMPAIGNS.likeable}", instagramAccessToken: "${DEMO_INSTAGRAM_TOKEN}") { user { likeCredit } userErrors { code } } }`;
const PURCHASE = `mutation { purchaseProduct(id: "58") { code userErrors { code } } }`;
const CREATE = `mutation { createCampaign(input: { campaignClassId: "1092", targetUrl: "https://instagram.com/p/X", budget: 100 }) { created userErrors { code } } }`;
const BUNDLE = `mutation { purchaseBundle(sku: "lurline", purchaseToken: "bazaar-token-9") { purchased userErrors { code } } }`;
const REPORT = `mutation { reportCampaign(id: "2578") { alreadyReported userErrors { code } } }`;
const MESSAGE = `mutation { sendMessage(input: { email: "a@b.cd", title: "t", content: "c" }) { sent userErrors { code } } }`;

const WRITES: Array<[string, string, string]> = [
  ['likeCampaign', LIKE, 'POST /api/campaigns/:id/like'],
  ['purchaseProduct', PURCHASE, 'POST /api/products/:id/purchase'],
  ['createCampaign', CREATE, 'POST /api/campaigns'],
  ['purchaseBundle', BUNDLE, 'POST /api/bundles/:sku/purchase'],
  ['reportCampaign', REPORT, 'POST /api/campaigns/:id/report'],
  ['sendMessage', MESSAGE, 'POST /api/messages'],
];

/** Swaps the emulated server's answers for one test (beforeEach's reset does not undo this). */
async function withHandler<T>(handler: Handler, run: () => Promise<T>): Promise<T> {
  h.emu.app.handle = handler as typeof h.emu.app.handle;
  try {
    return await run();
  } finally {
    Reflect.deleteProperty(h.emu.app, 'handle');
  }
}

describe('Likenama faults on reads', () => {
  it('retries a 5xx read, then gives UPSTREAM_UNAVAILABLE', async () => {
    h.emu.setFault({ kind: 'status', status: 503, match: 'users/self' });
    const r = await h.q(VIEWER, DEMO_TOKENS.phoebe);
    expect(codes(r)).toEqual([{ path: 'likenamaViewer', code: 'UPSTREAM_UNAVAILABLE' }]);
    expect(r.errors![0]!.extensions!.upstream).toMatchObject({ api: 'likenama', status: 503 });
    expect(h.emu.calls('GET /api/users/self')).toHaveLength(2);
  });

  it('recovers when a retry of a read succeeds', async () => {
    h.emu.setFault({ kind: 'status', status: 502, times: 1, match: 'GET /api/campaigns' });
    const r = await h.q(CAMPAIGNS, DEMO_TOKENS.phoebe);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ campaigns: [{ id: '2422' }, { id: '2420' }, { id: '2419' }] });
    expect(h.emu.calls('GET /api/campaigns')).toHaveLength(2);
  });

  it('times a hanging read out as UPSTREAM_UNAVAILABLE after its retry', async () => {
    h.emu.setFault({ kind: 'hang', match: 'users/self' });
    const r = await h.q(VIEWER, DEMO_TOKENS.phoebe);
    expect(codes(r)).toEqual([{ path: 'likenamaViewer', code: 'UPSTREAM_UNAVAILABLE' }]);
    expect(r.errors![0]!.message).toMatch(/timed out/);
    expect(h.emu.calls('GET /api/users/self')).toHaveLength(2);
  });

  it.each([
    ['an HTML page', 'html'],
    ['malformed JSON', 'malformed'],
    ['JSON of the wrong shape', 'wrongShape'],
  ] as const)('calls %s on a read UPSTREAM_BAD_RESPONSE', async (_what, kind) => {
    h.emu.setFault({ kind, match: 'GET /api/campaigns' });
    const r = await h.q(CAMPAIGNS, DEMO_TOKENS.phoebe);
    expect(codes(r)).toEqual([{ path: 'campaigns', code: 'UPSTREAM_BAD_RESPONSE' }]);
    expect(h.emu.calls('GET /api/campaigns')).toHaveLength(1);
  });

  it('does not take an HTML 404 for "nothing found"', async () => {
    h.emu.setFault({ kind: 'html', status: 404, match: 'GET /api/products' });
    const r = await h.q(`{ products { id } }`, DEMO_TOKENS.phoebe);
    expect(codes(r)).toEqual([{ path: 'products', code: 'UPSTREAM_BAD_RESPONSE' }]);
  });

  it('passes a rate limit on as RATE_LIMITED', async () => {
    h.emu.setFault({ kind: 'rateLimit', match: 'users/self' });
    const r = await h.q(VIEWER, DEMO_TOKENS.phoebe);
    expect(codes(r)).toEqual([{ path: 'likenamaViewer', code: 'RATE_LIMITED' }]);
  });

  it('fails only the field whose call failed', async () => {
    h.emu.setFault({ kind: 'status', status: 500, match: 'GET /api/bundles' });
    const r = await h.q(`{ nextCampaign { id } bundles { bazaarSku } }`, DEMO_TOKENS.phoebe);
    // bundles is non-null, so the whole data goes; nextCampaign's call still happened once
    expect(codes(r)).toEqual([{ path: 'bundles', code: 'UPSTREAM_UNAVAILABLE' }]);
    expect(h.emu.calls('GET /api/campaigns/next')).toHaveLength(1);
  });
});

describe('Likenama faults on writes (never retried)', () => {
  it.each(WRITES)(
    '%s: a timeout after sending is OUTCOME_UNKNOWN with exactly one call',
    async (name, doc, action) => {
      h.emu.setFault({ kind: 'hang', match: action });
      const r = await h.q(doc, DEMO_TOKENS.phoebe);
      expect(codes(r)).toEqual([{ path: name, code: 'OUTCOME_UNKNOWN' }]);
      expect(h.emu.calls(action)).toHaveLength(1);
      expect(h.emu.requests).toHaveLength(1);
    },
  );

  it('a dropped connection after sending a like is OUTCOME_UNKNOWN, one call', async () => {
    h.emu.setFault({ kind: 'reset', match: 'like' });
    const r = await h.q(LIKE, DEMO_TOKENS.phoebe);
    expect(codes(r)).toEqual([{ path: 'likeCampaign', code: 'OUTCOME_UNKNOWN' }]);
    expect(h.emu.calls('POST /api/campaigns/:id/like')).toHaveLength(1);
  });

  it('a 503 on a like is OUTCOME_UNKNOWN (it may have been applied), not retried', async () => {
    h.emu.setFault({ kind: 'status', status: 503, match: 'like' });
    const r = await h.q(LIKE, DEMO_TOKENS.phoebe);
    expect(codes(r)).toEqual([{ path: 'likeCampaign', code: 'OUTCOME_UNKNOWN' }]);
    expect(h.emu.calls('POST /api/campaigns/:id/like')).toHaveLength(1);
  });

  it('every 5xx on a purchase is OUTCOME_UNKNOWN (the purchase may have happened)', async () => {
    for (const status of [500, 502, 503, 504]) {
      h.emu.setFault({ kind: 'status', status, times: 1, match: 'purchase' });
      const r = await h.q(PURCHASE, DEMO_TOKENS.phoebe);
      expect(codes(r)).toEqual([{ path: 'purchaseProduct', code: 'OUTCOME_UNKNOWN' }]);
    }
    expect(h.emu.calls('POST /api/products/:id/purchase')).toHaveLength(4);
  });

  it.each([
    ['an HTML page', 'html'],
    ['malformed JSON', 'malformed'],
  ] as const)('a 200 with %s after a like is OUTCOME_UNKNOWN', async (_what, kind) => {
    h.emu.setFault({ kind, match: 'like' });
    const r = await h.q(LIKE, DEMO_TOKENS.phoebe);
    expect(codes(r)).toEqual([{ path: 'likeCampaign', code: 'OUTCOME_UNKNOWN' }]);
    expect(h.emu.calls('POST /api/campaigns/:id/like')).toHaveLength(1);
  });

  it('an undocumented HTML 4xx page on a write is OUTCOME_UNKNOWN (only a documented refusal frees it)', async () => {
    h.emu.setFault({ kind: 'html', status: 403, match: 'purchase' });
    const r = await h.q(PURCHASE, DEMO_TOKENS.phoebe);
    expect(codes(r)).toEqual([{ path: 'purchaseProduct', code: 'OUTCOME_UNKNOWN' }]);
  });
});

describe('Likenama answers that differ from the docs', () => {
  it('accepts a like answered 200 without a body, reading the account afterwards', async () => {
    await withHandler(
      (req) =>
        req.method === 'POST'
          ? { status: 200 }
          : json(200, { user: { username: 'u', like_credit: 7, coin_credit: '8' } }),
      async () => {
        const r = await h.q(LIKE, DEMO_TOKENS.phoebe);
        expect(r.data).toEqual({ likeCampaign: { user: { likeCredit: 7 }, userErrors: [] } });
      },
    );
    expect(h.emu.requests.map((c) => c.action)).toEqual([
      'POST /api/campaigns/:id/like',
      'GET /api/users/self',
    ]);
  });

  it('accepts a purchase answered 200 as documented, and a report answered 204', async () => {
    await withHandler(
      (req) =>
        req.path.endsWith('/report')
          ? { status: 204 }
          : json(200, {
              detail: {
                code: 'Omnis eos',
                product: { id: 1522, title: 'Input Power Controller', price: 76 },
              },
            }),
      async () => {
        const p = await h.q(PURCHASE, DEMO_TOKENS.phoebe);
        expect(p.data).toEqual({ purchaseProduct: { code: 'Omnis eos', userErrors: [] } });
        const r = await h.q(REPORT, DEMO_TOKENS.phoebe);
        expect(r.data).toEqual({ reportCampaign: { alreadyReported: false, userErrors: [] } });
      },
    );
  });

  it('scrubs every token Likenama echoes back, in userErrors and errors', async () => {
    const echo: Handler = (req) =>
      json(req.path.endsWith('/self') ? 401 : 422, {
        errors: { base: [`bad ${req.headers.authorization} ${req.raw}`] },
      });
    const withMessages = (doc: string) => doc.replace('userErrors { code }', 'userErrors { code message }');
    await withHandler(echo, async () => {
      const like = await h.q(withMessages(LIKE), DEMO_TOKENS.phoebe);
      expect(like.data!.likeCampaign).toMatchObject({ user: null, userErrors: [{ code: 'VALIDATION' }] });
      const bundle = await h.q(withMessages(BUNDLE), DEMO_TOKENS.phoebe);
      expect(bundle.data!.purchaseBundle).toMatchObject({
        purchased: false,
        userErrors: [{ code: 'VALIDATION' }],
      });
      const viewer = await h.q(VIEWER, DEMO_TOKENS.phoebe);
      expect(codes(viewer)).toEqual([{ path: 'likenamaViewer', code: 'UNAUTHENTICATED' }]);
      for (const r of [like, bundle, viewer]) {
        expect(r.raw).toContain('[redacted]');
        expect(r.raw).not.toContain(DEMO_TOKENS.phoebe);
        expect(r.raw).not.toContain(DEMO_INSTAGRAM_TOKEN);
        expect(r.raw).not.toContain('bazaar-token-9');
      }
    });
  });

  it('keeps a like’s Instagram 401 apart from an app-token 401 by its words', async () => {
    await withHandler(
      () => json(401, { errors: { base: ['ارتباط با سرور قطع شده\u200cاست. دوباره وارد شوید'] } }),
      async () => {
        const r = await h.q(LIKE, DEMO_TOKENS.phoebe);
        expect(codes(r)).toEqual([{ path: 'likeCampaign', code: 'UNAUTHENTICATED' }]);
      },
    );
    await withHandler(
      () => json(401, { errors: { base: ['ارتباط با اینستاگرام قطع شده\u200cاست. دوباره وارد شوید'] } }),
      async () => {
        const r = await h.q(LIKE, DEMO_TOKENS.phoebe);
        expect(r.errors).toBeUndefined();
        expect(r.data).toEqual({
          likeCampaign: { user: null, userErrors: [{ code: 'INSTAGRAM_TOKEN_INVALID' }] },
        });
      },
    );
  });

  it('takes a 410 (deprecated version) as UPSTREAM_UNAVAILABLE naming the app version setting', async () => {
    await withHandler(
      () => json(410, { errors: { base: ['deprecated'] } }),
      async () => {
        const r = await h.q(VIEWER, DEMO_TOKENS.phoebe);
        expect(codes(r)).toEqual([{ path: 'likenamaViewer', code: 'UPSTREAM_UNAVAILABLE' }]);
        expect(r.errors![0]!.message).toMatch(/LIKENAMA_APP_VERSION/);
      },
    );
  });
});
