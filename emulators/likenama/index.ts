import { createLikenamaEmulator, type LikenamaCampaign, type LikenamaSeed } from './api.ts';

export {
  createLikenamaEmulator,
  DECLINED_PURCHASE_TOKEN,
  INSTAGRAM_TOKENS,
  LikenamaApp,
  routeOf,
  type LikenamaEmulator,
  type LikenamaSeed,
} from './api.ts';
export { MSG } from './messages.ts';

/** Auth tokens of the demo users (send one as the `x-likenama-token` header). */
export const DEMO_TOKENS = {
  /** phoebe_buffay: three campaigns of her own (the docs' examples), plenty of credit */
  phoebe: 'demo-phoebe-token',
  /** joey_tribbiani: other campaigns, little coin credit (the shop says not enough credit) */
  joey: 'demo-joey-token',
  /** monica_geller: no campaigns at all (Likenama answers 404, the graph an empty list) */
  monica: 'demo-monica-token',
  /** rachel_green: owns the campaigns the others are offered to like */
  rachel: 'demo-rachel-token',
  /** a locked account: 401 "اکانت شما قفل شدهاست..." */
  locked: 'demo-locked-token',
  /** a token Likenama no longer knows: 401 "ارتباط با سرور قطع شدهاست..." */
  expired: 'demo-expired-token',
} as const;

/** Any Instagram token but the special ones of INSTAGRAM_TOKENS passes the like check. */
export const DEMO_INSTAGRAM_TOKEN = '46569725.5106fe6.31df6ecb062448f8ae396b8ffd2ca671';

/** Campaign ids of the demo data, by what a like of them runs into. */
export const DEMO_CAMPAIGNS = {
  /** phoebe's (docs): showing, rejected, available */
  phoebeShowing: 2422,
  phoebeRejected: 2420,
  phoebeAvailable: 2419,
  /** joey's: showing, ended, pending review, a status the layer does not know */
  joeyShowing: 3101,
  joeyEnded: 3102,
  joeyPending: 3103,
  joeyArchived: 3104,
  /** rachel's, offered to the others: */
  likeable: 2578, // like campaign, no waiting: +5 like credit
  likeableCoin: 2579, // coin campaign, 15 s waiting after it: +2 coin credit
  outOfBudget: 2580, // showing, but its budget is below one like's price
  ended: 2581,
  pending: 2582, // not verified by Likenama's staff yet
  sourceDeleted: 2583, // the Instagram picture is gone
} as const;

/** Products: 58 is cheap (joey can buy it), 56 is out of stock (404). */
export const DEMO_PRODUCTS = { remoteKit: 54, outOfStock: 56, cheapTopUp: 58 } as const;

const post = (code: string) => `http://instagram.com/p/${code}`;
const cover = (n: number) =>
  `http://likenama.com/system/instagram_liking_campaigns/covers/000/000/${String(n).padStart(3, '0')}/original/cover.jpg`;

const campaign = (c: Omit<LikenamaCampaign, 'totalLikes'> & { totalLikes?: number }): LikenamaCampaign => ({
  totalLikes: 0,
  cover: cover(c.id % 1000),
  ...c,
});

export const DEMO_SEED: LikenamaSeed = {
  users: [
    {
      id: 1,
      token: DEMO_TOKENS.phoebe,
      uid: '46569725',
      username: 'phoebe_buffay',
      likeCredit: 20000,
      coinCredit: 10000,
    },
    {
      id: 2,
      token: DEMO_TOKENS.joey,
      uid: '46569726',
      username: 'joey_tribbiani',
      likeCredit: 500,
      coinCredit: 40,
    },
    {
      id: 3,
      token: DEMO_TOKENS.monica,
      uid: '46569727',
      username: 'monica_geller',
      likeCredit: 0,
      coinCredit: 0,
    },
    {
      id: 4,
      token: DEMO_TOKENS.rachel,
      uid: '46569728',
      username: 'rachel_green',
      likeCredit: 9000,
      coinCredit: 9000,
    },
    {
      id: 5,
      token: DEMO_TOKENS.locked,
      uid: '46569729',
      username: 'gunther',
      likeCredit: 10,
      coinCredit: 10,
      locked: true,
    },
  ],
  classes: [
    {
      id: 1092,
      campaignType: 'instagram_liking',
      paymentType: 'like',
      waiting: 0,
      maxUserLikes: 2000,
      campaignValue: 10,
      likeUserShare: 5,
      coinUserShare: 0,
      fields: { description: false, phone: false, website: false, address: false },
      available: true,
    },
    {
      id: 1093,
      campaignType: 'instagram_liking',
      paymentType: 'coin',
      waiting: 15,
      maxUserLikes: 2000,
      campaignValue: 5,
      likeUserShare: 0,
      coinUserShare: 2,
      fields: { description: true, phone: true, website: true, address: true },
      available: true,
    },
    {
      id: 1094,
      campaignType: 'instagram_liking',
      paymentType: 'coin',
      waiting: 30,
      maxUserLikes: 500,
      campaignValue: 8,
      likeUserShare: 0,
      coinUserShare: 4,
      fields: { description: true, phone: false, website: false, address: false },
      available: false,
    },
  ],
  campaigns: [
    campaign({
      id: 2422,
      ownerId: 1,
      classId: 1092,
      targetUrl: post('BFq0ln1yz2B'),
      budget: 1000,
      state: 'showing',
      statusText: 'درحالنمایش',
    }),
    campaign({
      id: 2420,
      ownerId: 1,
      classId: 1093,
      targetUrl: post('BFq0lA8yz1x'),
      budget: 1000,
      state: 'rejected',
      statusText: 'ردشده',
    }),
    campaign({
      id: 2419,
      ownerId: 1,
      classId: 1093,
      targetUrl: post('BFq0k7Xyz0w'),
      budget: 1000,
      state: 'available',
      statusText: 'available',
    }),
    campaign({
      id: 3101,
      ownerId: 2,
      classId: 1092,
      targetUrl: post('CJoey0001pz'),
      budget: 200,
      totalLikes: 12,
      state: 'showing',
      statusText: 'درحالنمایش',
    }),
    campaign({
      id: 3102,
      ownerId: 2,
      classId: 1093,
      targetUrl: post('CJoey0002pz'),
      budget: 0,
      totalLikes: 40,
      state: 'ended',
      statusText: 'ended',
    }),
    campaign({
      id: 3103,
      ownerId: 2,
      classId: 1093,
      targetUrl: post('CJoey0003pz'),
      budget: 50,
      state: 'pending',
      statusText: 'درحالبررسی',
    }),
    campaign({
      id: 3104,
      ownerId: 2,
      classId: 1092,
      targetUrl: post('CJoey0004pz'),
      budget: 30,
      state: 'archived',
      statusText: 'بایگانیشده',
    }),
    campaign({
      id: 2578,
      ownerId: 4,
      classId: 1092,
      targetUrl: post('CRachel578x'),
      budget: 1000,
      state: 'showing',
      statusText: 'درحالنمایش',
      description: 'Sunt quo molestiae a neque sapiente.',
      phone: '09123456789',
      website: 'http://volkman.us',
      address: '0260 Abshire Locks, Grafton NSW 0800',
    }),
    campaign({
      id: 2579,
      ownerId: 4,
      classId: 1093,
      targetUrl: post('CRachel579x'),
      budget: 500,
      state: 'available',
      statusText: 'available',
      description: 'Coins for a like',
    }),
    campaign({
      id: 2580,
      ownerId: 4,
      classId: 1092,
      targetUrl: post('CRachel580x'),
      budget: 3,
      totalLikes: 99,
      state: 'showing',
      statusText: 'درحالنمایش',
    }),
    campaign({
      id: 2581,
      ownerId: 4,
      classId: 1092,
      targetUrl: post('CRachel581x'),
      budget: 0,
      totalLikes: 100,
      state: 'ended',
      statusText: 'ended',
    }),
    campaign({
      id: 2582,
      ownerId: 4,
      classId: 1093,
      targetUrl: post('CRachel582x'),
      budget: 400,
      state: 'pending',
      statusText: 'درحالبررسی',
    }),
    campaign({
      id: 2583,
      ownerId: 4,
      classId: 1092,
      targetUrl: post('CRachel583x'),
      budget: 1000,
      state: 'showing',
      statusText: 'درحالنمایش',
      sourceDeleted: true,
    }),
  ],
  products: [
    {
      id: 54,
      title: 'Remote Kit',
      productType: 'mobiletopup',
      price: 6398,
      stock: 3,
      description: 'Quod sequi placeat laudantium ea.',
    },
    {
      id: 55,
      title: 'Gel Output Bridge',
      productType: 'mobiletopup',
      price: 9527,
      stock: 1,
      description: 'Odit voluptas quasi omnis est nesciunt aut.',
    },
    {
      id: 56,
      title: 'Remote Gel Transmitter',
      productType: 'mobiletopup',
      price: 9239,
      stock: 0,
      description: 'Consectetur laborum vel architecto.',
    },
    {
      id: 57,
      title: 'Gel Mount',
      productType: 'mobiletopup',
      price: 7942,
      stock: 2,
      description: 'Et nulla expedita numquam amet facilis aut.',
    },
    {
      id: 58,
      title: 'شارژ ۱۰۰۰ تومانی',
      productType: 'mobiletopup',
      price: 30,
      stock: 10,
      description: 'کد شارژ همراه اول',
    },
  ],
  bundles: [
    { bazaarSku: 'lurline', price: 3, coins: 1, freeCoins: 1 },
    { bazaarSku: 'desiree.larson', price: 3, coins: 1, freeCoins: 1 },
    { bazaarSku: 'coins_1000', price: 49000, coins: 1000, freeCoins: 100 },
  ],
  firstCampaignId: 5001,
};

export const createDemoLikenamaEmulator = (opts: { latencyMs?: number } = {}) =>
  createLikenamaEmulator(DEMO_SEED, opts);
