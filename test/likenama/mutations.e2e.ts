import { describe, expect, it } from 'vitest';
import {
  DECLINED_PURCHASE_TOKEN,
  DEMO_CAMPAIGNS,
  DEMO_INSTAGRAM_TOKEN,
  DEMO_PRODUCTS,
  DEMO_TOKENS,
  INSTAGRAM_TOKENS,
  MSG,
} from '../../emulators/likenama/index.ts';
import { codes } from '../helpers/stack.ts';
import { useLikenamaStack } from './setup.ts';
import { maskSecret } from '../../emulators/shared/emulator.ts';

const h = useLikenamaStack();

interface UserErrorShape {
  field: string[] | null;
  message: string;
  code: string;
}

const CREATE = /* GraphQL */ `
  mutation ($input: CreateCampaignInput!) {
    createCampaign(input: $input) {
      created
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const LIKE = /* GraphQL */ `
  mutation ($id: ID!, $ig: String!) {
    likeCampaign(id: $id, instagramAccessToken: $ig) {
      user {
        username
        likeCredit
        coinCredit
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const REPORT = /* GraphQL */ `
  mutation ($id: ID!) {
    reportCampaign(id: $id) {
      alreadyReported
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const PURCHASE = /* GraphQL */ `
  mutation ($id: ID!) {
    purchaseProduct(id: $id) {
      code
      product {
        id
        title
        price
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const BUNDLE = /* GraphQL */ `
  mutation ($sku: String!, $token: String!) {
    purchaseBundle(sku: $sku, purchaseToken: $token) {
      purchased
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const MESSAGE = /* GraphQL */ `
  mutation ($input: SendMessageInput!) {
    sendMessage(input: $input) {
      sent
      userErrors {
        field
        message
        code
      }
    }
  }
`;

type Payload<K extends string, T> = Record<K, T & { userErrors: UserErrorShape[] }>;
const create = (token: string, input: Record<string, unknown>) =>
  h.q<Payload<'createCampaign', { created: boolean }>>(CREATE, token, { input });
const like = (token: string, id: string | number, ig = DEMO_INSTAGRAM_TOKEN) =>
  h.q<Payload<'likeCampaign', { user: { username: string; likeCredit: number; coinCredit: number } | null }>>(
    LIKE,
    token,
    { id: String(id), ig },
  );
const report = (token: string, id: string | number) =>
  h.q<Payload<'reportCampaign', { alreadyReported: boolean | null }>>(REPORT, token, { id: String(id) });
const purchase = (token: string, id: string | number) =>
  h.q<Payload<'purchaseProduct', { code: string | null; product: { id: string; title: string } | null }>>(
    PURCHASE,
    token,
    { id: String(id) },
  );
const bundle = (token: string, sku: string, purchaseToken: string) =>
  h.q<Payload<'purchaseBundle', { purchased: boolean }>>(BUNDLE, token, { sku, token: purchaseToken });
const message = (token: string, input: Record<string, unknown>) =>
  h.q<Payload<'sendMessage', { sent: boolean }>>(MESSAGE, token, { input });

const user = (token: string) => h.emu.app.user(token)!;
const writes = () => h.emu.requests.filter((r) => r.method === 'POST');

describe('createCampaign', () => {
  it('creates a campaign, sending the documented body once, and the new campaign is listed', async () => {
    const r = await create(DEMO_TOKENS.phoebe, {
      campaignClassId: '1092',
      targetUrl: 'https://instagram.com/p/BNewPost01',
      budget: 1000,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.createCampaign).toEqual({ created: true, userErrors: [] });
    const [call] = h.emu.calls('POST /api/campaigns');
    expect(h.emu.requests).toHaveLength(1);
    expect(call!.body).toEqual({
      campaign: {
        campaign_class_id: '1092',
        target_url: 'https://instagram.com/p/BNewPost01',
        budget: '1000',
      },
    });
    expect(call!.headers.authorization).toBe(maskSecret(DEMO_TOKENS.phoebe));
    expect(user(DEMO_TOKENS.phoebe).likeCredit).toBe(19000);

    const list = await h.q<{ campaigns: Array<{ id: string; status: string; targetUrl: string }> }>(
      `{ campaigns { id status targetUrl } }`,
      DEMO_TOKENS.phoebe,
    );
    expect(list.data!.campaigns[0]).toEqual({
      id: '5001',
      status: 'PENDING',
      targetUrl: 'https://instagram.com/p/BNewPost01',
    });
  });

  it('sends the optional details a class takes', async () => {
    const r = await create(DEMO_TOKENS.phoebe, {
      campaignClassId: '1093',
      targetUrl: 'https://www.instagram.com/p/BNewPost02/',
      budget: 100,
      description: 'Ullam quam velit',
      phone: '09123456789',
      website: 'http://miller.co.uk',
      address: '6485 Torp Rest',
    });
    expect(r.data!.createCampaign).toEqual({ created: true, userErrors: [] });
    expect(h.emu.calls('POST /api/campaigns')[0]!.body).toEqual({
      campaign: {
        campaign_class_id: '1093',
        target_url: 'https://www.instagram.com/p/BNewPost02/',
        budget: '100',
        description: 'Ullam quam velit',
        phone: '09123456789',
        website: 'http://miller.co.uk',
        address: '6485 Torp Rest',
      },
    });
    expect(user(DEMO_TOKENS.phoebe).coinCredit).toBe(9900);
  });

  it('maps Likenama’s field errors to input paths, words unchanged', async () => {
    const r = await create(DEMO_TOKENS.phoebe, {
      campaignClassId: '1092',
      targetUrl: 'https://example.com/not-instagram',
      budget: 5,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.createCampaign).toEqual({
      created: false,
      userErrors: [
        { field: ['input', 'targetUrl'], message: MSG.wrongInstagramUrl, code: 'INVALID_TARGET_URL' },
        { field: ['input', 'budget'], message: MSG.needMoreBudget, code: 'BUDGET_TOO_LOW' },
      ],
    });
    expect(user(DEMO_TOKENS.phoebe).likeCredit).toBe(20000);
  });

  it('says NOT_ENOUGH_CREDIT when the budget is more than the user has', async () => {
    const r = await create(DEMO_TOKENS.joey, {
      campaignClassId: '1093',
      targetUrl: 'https://instagram.com/p/JoeysPost',
      budget: 1000,
    });
    expect(r.data!.createCampaign).toEqual({
      created: false,
      userErrors: [{ field: ['input', 'budget'], message: MSG.notEnoughCredit, code: 'NOT_ENOUGH_CREDIT' }],
    });
  });

  it('says NOT_FOUND (Likenama’s words) when the class is not available', async () => {
    const r = await create(DEMO_TOKENS.phoebe, {
      campaignClassId: '1094',
      targetUrl: 'https://instagram.com/p/BNewPost03',
      budget: 100,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.createCampaign).toEqual({
      created: false,
      userErrors: [{ field: null, message: MSG.notFound, code: 'NOT_FOUND' }],
    });
  });

  it('refuses bad input before calling Likenama', async () => {
    const r = await create(DEMO_TOKENS.phoebe, { campaignClassId: '', targetUrl: 'ftp://x/y', budget: 0 });
    expect(r.data!.createCampaign).toEqual({
      created: false,
      userErrors: [
        { field: ['input', 'campaignClassId'], message: 'Choose a campaign class', code: 'REQUIRED' },
        {
          field: ['input', 'targetUrl'],
          message: 'targetUrl must be an http(s) URL of an Instagram post',
          code: 'INVALID_URL',
        },
        {
          field: ['input', 'budget'],
          message: 'budget must be a positive whole number',
          code: 'INVALID_BUDGET',
        },
      ],
    });
    const r2 = await create(DEMO_TOKENS.phoebe, {
      campaignClassId: '1092/../1',
      targetUrl: ' ',
      budget: -1,
    });
    expect(r2.data!.createCampaign.userErrors.map((e) => e.code)).toEqual([
      'INVALID_ID',
      'REQUIRED',
      'INVALID_BUDGET',
    ]);
    expect(h.emu.requests).toHaveLength(0);
  });
});

describe('likeCampaign', () => {
  it('credits a like once; a repeated like succeeds without a second credit', async () => {
    const first = await like(DEMO_TOKENS.joey, DEMO_CAMPAIGNS.likeable);
    expect(first.errors).toBeUndefined();
    expect(first.data!.likeCampaign).toEqual({
      user: { username: 'joey_tribbiani', likeCredit: 505, coinCredit: 40 },
      userErrors: [],
    });
    const [call] = h.emu.calls('POST /api/campaigns/:id/like');
    expect(call!.path).toBe('/api/campaigns/2578/like');
    expect(call!.body).toEqual({
      like: {
        access_token: maskSecret(DEMO_INSTAGRAM_TOKEN),
        instagram_access_token: maskSecret(DEMO_INSTAGRAM_TOKEN),
      },
    });
    expect(call!.headers.authorization).toBe(maskSecret(DEMO_TOKENS.joey));

    const again = await like(DEMO_TOKENS.joey, DEMO_CAMPAIGNS.likeable);
    expect(again.data!.likeCampaign.user!.likeCredit).toBe(505);
    expect(h.emu.calls('POST /api/campaigns/:id/like')).toHaveLength(2);
    const c = h.emu.app.campaigns.get(DEMO_CAMPAIGNS.likeable)!;
    expect([c.budget, c.totalLikes]).toEqual([990, 1]);
  });

  it.each([
    ['NOT_LIKED', DEMO_CAMPAIGNS.likeable, INSTAGRAM_TOKENS.notLiked, MSG.notLiked],
    ['INSTAGRAM_TOKEN_INVALID', DEMO_CAMPAIGNS.likeable, INSTAGRAM_TOKENS.revoked, MSG.instagramTokenInvalid],
    ['OUT_OF_BUDGET', DEMO_CAMPAIGNS.outOfBudget, DEMO_INSTAGRAM_TOKEN, MSG.budgetRunOut],
    ['NOT_VERIFIED', DEMO_CAMPAIGNS.pending, DEMO_INSTAGRAM_TOKEN, MSG.notVerified],
    ['NOT_VERIFIED', DEMO_CAMPAIGNS.phoebeRejected, DEMO_INSTAGRAM_TOKEN, MSG.notVerified],
    ['ENDED', DEMO_CAMPAIGNS.ended, DEMO_INSTAGRAM_TOKEN, MSG.ended],
    ['SOURCE_DELETED', DEMO_CAMPAIGNS.sourceDeleted, DEMO_INSTAGRAM_TOKEN, MSG.sourceDeleted],
    ['NOT_FOUND', 999999, DEMO_INSTAGRAM_TOKEN, MSG.notFound],
  ])('answers %s for campaign %i, in Likenama’s words, as a userError', async (code, id, ig, words) => {
    const r = await like(DEMO_TOKENS.joey, id, ig);
    expect(r.errors).toBeUndefined();
    expect(r.data!.likeCampaign).toEqual({ user: null, userErrors: [{ field: null, message: words, code }] });
    expect(h.emu.requests).toHaveLength(1);
    expect(user(DEMO_TOKENS.joey)).toMatchObject({ likeCredit: 500, coinCredit: 40 });
  });

  it('says MUST_WAIT during the waiting period after a coin like, and lets the next like through after it', async () => {
    const coin = await like(DEMO_TOKENS.monica, DEMO_CAMPAIGNS.likeableCoin);
    expect(coin.data!.likeCampaign.user).toEqual({ username: 'monica_geller', likeCredit: 0, coinCredit: 2 });
    const soon = await like(DEMO_TOKENS.monica, DEMO_CAMPAIGNS.likeable);
    expect(soon.data!.likeCampaign).toEqual({
      user: null,
      userErrors: [{ field: null, message: MSG.mustWait, code: 'MUST_WAIT' }],
    });
    h.emu.app.advance(16_000);
    const later = await like(DEMO_TOKENS.monica, DEMO_CAMPAIGNS.likeable);
    expect(later.data!.likeCampaign).toEqual({
      user: { username: 'monica_geller', likeCredit: 5, coinCredit: 2 },
      userErrors: [],
    });
  });

  it('refuses an id that is not digits or an empty Instagram token before calling Likenama', async () => {
    const bad = await like(DEMO_TOKENS.joey, '2578/../../users/self', DEMO_INSTAGRAM_TOKEN);
    expect(bad.data!.likeCampaign.userErrors).toEqual([
      { field: ['id'], message: 'id must be digits only, got "2578/../../users/self"', code: 'INVALID_ID' },
    ]);
    const empty = await like(DEMO_TOKENS.joey, DEMO_CAMPAIGNS.likeable, '  ');
    expect(empty.data!.likeCampaign.userErrors).toEqual([
      {
        field: ['instagramAccessToken'],
        message: 'instagramAccessToken must not be empty',
        code: 'REQUIRED',
      },
    ]);
    expect(h.emu.requests).toHaveLength(0);
  });
});

describe('reportCampaign', () => {
  it('tells a first report (201) from a repeat (200)', async () => {
    const first = await report(DEMO_TOKENS.joey, DEMO_CAMPAIGNS.likeable);
    expect(first.data!.reportCampaign).toEqual({ alreadyReported: false, userErrors: [] });
    const again = await report(DEMO_TOKENS.joey, DEMO_CAMPAIGNS.likeable);
    expect(again.data!.reportCampaign).toEqual({ alreadyReported: true, userErrors: [] });
    const calls = h.emu.calls('POST /api/campaigns/:id/report');
    expect(calls.map((c) => [c.path, c.body])).toEqual([
      ['/api/campaigns/2578/report', undefined],
      ['/api/campaigns/2578/report', undefined],
    ]);
    // another user's report is a first report again
    const other = await report(DEMO_TOKENS.phoebe, DEMO_CAMPAIGNS.likeable);
    expect(other.data!.reportCampaign.alreadyReported).toBe(false);
  });

  it('says NOT_FOUND for an unknown campaign and refuses a bad id without a call', async () => {
    const r = await report(DEMO_TOKENS.joey, 424242);
    expect(r.data!.reportCampaign).toEqual({
      alreadyReported: null,
      userErrors: [{ field: null, message: MSG.notFound, code: 'NOT_FOUND' }],
    });
    const bad = await report(DEMO_TOKENS.joey, 'x');
    expect(bad.data!.reportCampaign.userErrors.map((e) => e.code)).toEqual(['INVALID_ID']);
    expect(h.emu.requests).toHaveLength(1);
  });
});

describe('purchaseProduct', () => {
  it('buys a product (201 with the detail) and returns its code', async () => {
    const r = await purchase(DEMO_TOKENS.phoebe, DEMO_PRODUCTS.remoteKit);
    expect(r.errors).toBeUndefined();
    expect(r.data!.purchaseProduct).toEqual({
      code: 'LN-54-000001',
      product: { id: '54', title: 'Remote Kit', price: 6398 },
      userErrors: [],
    });
    expect(user(DEMO_TOKENS.phoebe).coinCredit).toBe(10000 - 6398);
    expect(h.emu.calls('POST /api/products/:id/purchase').map((c) => c.path)).toEqual([
      '/api/products/54/purchase',
    ]);
  });

  it('says NOT_ENOUGH_CREDIT (coin_credit has no input field) and OUT_OF_STOCK (404)', async () => {
    const poor = await purchase(DEMO_TOKENS.joey, DEMO_PRODUCTS.remoteKit);
    expect(poor.data!.purchaseProduct).toEqual({
      code: null,
      product: null,
      userErrors: [{ field: null, message: MSG.notEnoughCredit, code: 'NOT_ENOUGH_CREDIT' }],
    });
    const none = await purchase(DEMO_TOKENS.phoebe, DEMO_PRODUCTS.outOfStock);
    expect(none.data!.purchaseProduct).toEqual({
      code: null,
      product: null,
      userErrors: [{ field: null, message: MSG.notFound, code: 'OUT_OF_STOCK' }],
    });
  });

  it('runs out of stock after the last one is bought', async () => {
    const ok = await purchase(DEMO_TOKENS.phoebe, 55);
    expect(ok.data!.purchaseProduct.userErrors).toEqual([]);
    const gone = await purchase(DEMO_TOKENS.phoebe, 55);
    expect(gone.data!.purchaseProduct.userErrors.map((e) => e.code)).toEqual(['OUT_OF_STOCK']);
    const cheap = await purchase(DEMO_TOKENS.joey, DEMO_PRODUCTS.cheapTopUp);
    expect(cheap.data!.purchaseProduct.product).toEqual({ id: '58', title: 'شارژ ۱۰۰۰ تومانی', price: 30 });
  });

  it('refuses an id that is not digits without a call', async () => {
    const r = await purchase(DEMO_TOKENS.phoebe, '54?x=1');
    expect(r.data!.purchaseProduct.userErrors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_ID', ['id']],
    ]);
    expect(h.emu.requests).toHaveLength(0);
  });
});

describe('purchaseBundle', () => {
  it('credits a bundle once per purchase token, SKU put in the path safely', async () => {
    const r = await bundle(DEMO_TOKENS.monica, 'desiree.larson', 'bazaar-token-1');
    expect(r.data!.purchaseBundle).toEqual({ purchased: true, userErrors: [] });
    const [call] = h.emu.calls('POST /api/bundles/:sku/purchase');
    expect(call!.path).toBe('/api/bundles/desiree.larson/purchase');
    expect(call!.body).toEqual({ bundle: { purchase_token: 'bazaar-token-1' } });
    expect(user(DEMO_TOKENS.monica).coinCredit).toBe(2);

    const reused = await bundle(DEMO_TOKENS.monica, 'desiree.larson', 'bazaar-token-1');
    expect(reused.data!.purchaseBundle).toEqual({
      purchased: false,
      userErrors: [{ field: null, message: MSG.paymentFailed, code: 'PAYMENT_FAILED' }],
    });
    expect(user(DEMO_TOKENS.monica).coinCredit).toBe(2);
  });

  it('says PAYMENT_FAILED for a declined token and NOT_FOUND for an unknown SKU', async () => {
    const declined = await bundle(DEMO_TOKENS.monica, 'lurline', DECLINED_PURCHASE_TOKEN);
    expect(declined.data!.purchaseBundle.userErrors).toEqual([
      { field: null, message: MSG.paymentFailed, code: 'PAYMENT_FAILED' },
    ]);
    const unknown = await bundle(DEMO_TOKENS.monica, 'no_such_bundle', 'bazaar-token-2');
    expect(unknown.data!.purchaseBundle.userErrors).toEqual([
      { field: null, message: MSG.notFound, code: 'NOT_FOUND' },
    ]);
  });

  it('refuses a SKU that could change the path, or an empty token, without a call', async () => {
    const bad = await bundle(DEMO_TOKENS.monica, '../campaigns', 'bazaar-token-3');
    expect(bad.data!.purchaseBundle.userErrors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_SKU', ['sku']],
    ]);
    const empty = await bundle(DEMO_TOKENS.monica, 'lurline', '');
    expect(empty.data!.purchaseBundle.userErrors.map((e) => [e.code, e.field])).toEqual([
      ['REQUIRED', ['purchaseToken']],
    ]);
    expect(h.emu.requests).toHaveLength(0);
  });
});

describe('sendMessage', () => {
  const ok = { email: 'sample@example.com', title: 'A decent title', content: 'سلام! '.repeat(80) };

  it('sends a message of up to 500 characters', async () => {
    const r = await message(DEMO_TOKENS.joey, { ...ok, content: 'ی'.repeat(500) });
    expect(r.data!.sendMessage).toEqual({ sent: true, userErrors: [] });
    expect(h.emu.calls('POST /api/messages')[0]!.body).toEqual({
      message: { email: 'sample@example.com', title: 'A decent title', content: 'ی'.repeat(500) },
    });
    expect(h.emu.app.messages).toHaveLength(1);
  });

  it('refuses 501 characters, a bad e-mail and an empty title before calling Likenama', async () => {
    const r = await message(DEMO_TOKENS.joey, { email: 'no-at-sign', title: ' ', content: 'ی'.repeat(501) });
    expect(r.data!.sendMessage).toEqual({
      sent: false,
      userErrors: [
        { field: ['input', 'email'], message: 'email must be a valid e-mail address', code: 'INVALID_EMAIL' },
        { field: ['input', 'title'], message: 'input.title must not be empty', code: 'REQUIRED' },
        {
          field: ['input', 'content'],
          message: 'content is at most 500 characters (got 501)',
          code: 'CONTENT_TOO_LONG',
        },
      ],
    });
    expect(h.emu.requests).toHaveLength(0);
  });

  it('reads Likenama’s array-form errors as userErrors, words unchanged', async () => {
    h.emu.app.maxMessageChars = 10;
    const r = await message(DEMO_TOKENS.joey, ok);
    expect(r.data!.sendMessage).toEqual({
      sent: false,
      userErrors: [{ field: null, message: MSG.contentTooLong, code: 'CONTENT_TOO_LONG' }],
    });
    expect(h.emu.requests).toHaveLength(1);
  });
});

describe('every mutation without a token', () => {
  it.each([
    [
      'createCampaign',
      CREATE,
      { input: { campaignClassId: '1092', targetUrl: 'https://instagram.com/p/x', budget: 10 } },
    ],
    ['likeCampaign', LIKE, { id: '2578', ig: DEMO_INSTAGRAM_TOKEN }],
    ['reportCampaign', REPORT, { id: '2578' }],
    ['purchaseProduct', PURCHASE, { id: '54' }],
    ['purchaseBundle', BUNDLE, { sku: 'lurline', token: 't' }],
    ['sendMessage', MESSAGE, { input: { email: 'a@b.cd', title: 't', content: 'c' } }],
  ])('%s is UNAUTHENTICATED and calls nothing', async (name, doc, vars) => {
    const r = await h.q(doc, undefined, vars);
    expect(codes(r)).toEqual([{ path: name, code: 'UNAUTHENTICATED' }]);
    expect(writes()).toHaveLength(0);
    expect(h.emu.requests).toHaveLength(0);
  });
});
