import { Emulator, empty, json, type Reply, type RecordedRequest } from '../shared/emulator.ts';
import { MSG } from './messages.ts';

export interface LikenamaUser {
  id: number;
  token: string;
  /** Instagram uid, for POST /api/sessions */
  uid: string;
  username: string;
  likeCredit: number;
  coinCredit: number;
  locked?: boolean;
}

export interface LikenamaCampaignClass {
  id: number;
  campaignType: string;
  paymentType: 'like' | 'coin';
  /** seconds a liker waits after a like of this class before the next like */
  waiting: number;
  maxUserLikes: number;
  /** what one like costs the campaign's budget */
  campaignValue: number;
  likeUserShare: number;
  coinUserShare: number;
  fields: { description: boolean; phone: boolean; website: boolean; address: boolean };
  /** false: not offered any more (creating a campaign in it answers 404) */
  available: boolean;
}

/** Where a campaign stands; `statusText` is what the API shows for it. */
export type CampaignState = 'showing' | 'available' | 'pending' | 'rejected' | 'ended' | 'archived';

export interface LikenamaCampaign {
  id: number;
  ownerId: number;
  classId: number;
  targetUrl: string;
  budget: number;
  totalLikes: number;
  state: CampaignState;
  statusText: string;
  /** the Instagram picture is gone: a like fails with "این کمپین دیگر موجود نیست" */
  sourceDeleted?: boolean;
  cover?: string;
  description?: string;
  phone?: string;
  website?: string;
  address?: string;
}

export interface LikenamaProduct {
  id: number;
  title: string;
  productType: string;
  price: number;
  description: string;
  stock: number;
}

export interface LikenamaBundle {
  bazaarSku: string;
  price: number;
  coins: number;
  freeCoins: number;
}

export interface LikenamaSeed {
  users: LikenamaUser[];
  classes: LikenamaCampaignClass[];
  campaigns: LikenamaCampaign[];
  products: LikenamaProduct[];
  bundles: LikenamaBundle[];
  firstCampaignId: number;
}

/** Instagram access tokens with a special meaning to the emulated Instagram check. */
export const INSTAGRAM_TOKENS = {
  /** the check finds no like by this user: "این کمپین لایک نشده است" */
  notLiked: 'instagram-not-liked',
  /** Instagram refuses the token: 401 "ارتباط با اینستاگرام قطع شدهاست. دوباره وارد شوید" */
  revoked: 'instagram-revoked',
} as const;

/** A Bazaar purchase token Bazaar declines (payment failed); a token used once is declined too. */
export const DECLINED_PURCHASE_TOKEN = 'declined-purchase-token';

const INSTAGRAM_POST = /^https?:\/\/(www\.)?instagram\.com\/p\/[A-Za-z0-9_-]+\/?$/;

interface Like {
  userId: number;
  campaignId: number;
  at: number;
}

export interface SentMessage {
  userId: number;
  email: string;
  title: string;
  content: string;
}

const errors = (status: number, field: string, ...messages: string[]): Reply =>
  json(status, { errors: { [field]: messages } });
const base = (status: number, message: string) => errors(status, 'base', message);
const notFound = () => base(404, MSG.notFound);

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const rec = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The Likenama server: users, campaigns, likes, reports, the shop and messages. */
export class LikenamaApp {
  users = new Map<string, LikenamaUser>();
  classes = new Map<number, LikenamaCampaignClass>();
  campaigns = new Map<number, LikenamaCampaign>();
  products = new Map<number, LikenamaProduct>();
  bundles = new Map<string, LikenamaBundle>();
  likes: Like[] = [];
  reports = new Set<string>();
  messages: SentMessage[] = [];
  usedPurchaseTokens = new Set<string>();
  private nextCampaignId = 0;
  private nextCode = 1;
  /** added to the clock (tests move time instead of waiting out a like's waiting period) */
  clockOffsetMs = 0;
  /** the server's limit on a message's content (500 as documented; tests may lower it) */
  maxMessageChars = 500;

  constructor(private readonly seed: LikenamaSeed) {
    this.reset();
  }

  reset(): void {
    const s = structuredClone(this.seed);
    this.users = new Map(s.users.map((u) => [u.token, u]));
    this.classes = new Map(s.classes.map((c) => [c.id, c]));
    this.campaigns = new Map(s.campaigns.map((c) => [c.id, c]));
    this.products = new Map(s.products.map((p) => [p.id, p]));
    this.bundles = new Map(s.bundles.map((b) => [b.bazaarSku, b]));
    this.likes = [];
    this.reports.clear();
    this.messages = [];
    this.usedPurchaseTokens.clear();
    this.nextCampaignId = s.firstCampaignId;
    this.nextCode = 1;
    this.clockOffsetMs = 0;
    this.maxMessageChars = 500;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Moves the emulator's clock forward (past a like's waiting period, say). */
  advance(ms: number): void {
    this.clockOffsetMs += ms;
  }

  user(token: string): LikenamaUser | undefined {
    return this.users.get(token);
  }

  userById(id: number): LikenamaUser | undefined {
    return [...this.users.values()].find((u) => u.id === id);
  }

  private classOf(c: LikenamaCampaign): LikenamaCampaignClass {
    const cls = this.classes.get(c.classId);
    if (!cls) throw new Error(`campaign ${c.id} has no class ${c.classId}`);
    return cls;
  }

  handle(req: RecordedRequest): Reply {
    const route = routeOf(req);
    if (!route) {
      return {
        status: 404,
        body: "<!DOCTYPE html><html><body><h1>The page you were looking for doesn't exist.</h1></body></html>",
        contentType: 'text/html; charset=utf-8',
      };
    }
    if (route.name === 'POST /api/sessions') return this.signIn(req);
    // Authenticable: the raw token, no scheme
    const user = this.user((req.headers.authorization ?? '').trim());
    if (!user) return base(401, MSG.sessionExpired);
    if (user.locked) return base(401, MSG.accountLocked);
    const body = rec(req.body);
    switch (route.name) {
      case 'GET /api/campaigns':
        return this.ownCampaigns(user);
      case 'GET /api/campaigns/new':
        return this.campaignClasses();
      case 'POST /api/campaigns':
        return this.createCampaign(user, rec(body.campaign));
      case 'GET /api/campaigns/next':
        return this.next(user);
      case 'POST /api/campaigns/:id/like':
        return this.like(user, Number(route.param), rec(body.like));
      case 'POST /api/campaigns/:id/report':
        return this.report(user, Number(route.param));
      case 'GET /api/products':
        return this.productList();
      case 'POST /api/products/:id/purchase':
        return this.purchaseProduct(user, Number(route.param));
      case 'GET /api/users/self':
        return json(200, { user: userView(user) });
      case 'GET /api/bundles':
        return this.bundleList();
      case 'POST /api/bundles/:sku/purchase':
        return this.purchaseBundle(user, route.param ?? '', rec(body.bundle));
      case 'POST /api/messages':
        return this.message(user, rec(body.message));
    }
  }

  private signIn(req: RecordedRequest): Reply {
    const uid = str(rec(rec(req.body).user).uid);
    const user = [...this.users.values()].find((u) => u.uid === uid);
    if (!user) return notFound();
    return json(200, { user: { ...userView(user), auth_token: user.token } });
  }

  private ownCampaigns(user: LikenamaUser): Reply {
    const own = [...this.campaigns.values()].filter((c) => c.ownerId === user.id).sort((a, b) => b.id - a.id);
    if (own.length === 0) return notFound();
    return json(200, {
      campaigns: own.map((c) => ({
        id: c.id,
        target_url: c.targetUrl,
        campaign_type: this.classOf(c).campaignType,
        payment_type: this.classOf(c).paymentType,
        status: c.statusText,
        budget: c.budget,
        total_likes: c.totalLikes,
      })),
    });
  }

  private campaignClasses(): Reply {
    const offered = [...this.classes.values()].filter((c) => c.available);
    if (offered.length === 0) return notFound();
    return json(200, {
      campaign_classes: offered.map((c) => ({
        id: c.id,
        campaign_type: c.campaignType,
        payment_type: c.paymentType,
        waiting: c.waiting,
        max_user_likes: c.maxUserLikes,
        campaign_value: c.campaignValue,
        fields: { ...c.fields },
      })),
    });
  }

  private createCampaign(user: LikenamaUser, p: Record<string, unknown>): Reply {
    const cls = this.classes.get(Number(str(p.campaign_class_id)));
    if (!cls || !cls.available) return notFound();
    const found: Record<string, string[]> = {};
    const targetUrl = str(p.target_url) ?? '';
    if (!INSTAGRAM_POST.test(targetUrl)) found.target_url = [MSG.wrongInstagramUrl];
    const budget = Number(str(p.budget));
    const credit = cls.paymentType === 'like' ? user.likeCredit : user.coinCredit;
    if (!Number.isInteger(budget) || budget < cls.campaignValue) found.budget = [MSG.needMoreBudget];
    else if (budget > credit) found.budget = [MSG.notEnoughCredit];
    if (Object.keys(found).length > 0) return json(422, { errors: found });
    if (cls.paymentType === 'like') user.likeCredit -= budget;
    else user.coinCredit -= budget;
    const id = this.nextCampaignId++;
    const detail = (k: string) => (cls.fields[k as keyof typeof cls.fields] ? str(p[k]) : undefined);
    this.campaigns.set(id, {
      id,
      ownerId: user.id,
      classId: cls.id,
      targetUrl,
      budget,
      totalLikes: 0,
      state: 'pending',
      statusText: 'درحالبررسی',
      cover: `${targetUrl.replace(/\/?$/, '/')}media/?size=l`,
      description: detail('description'),
      phone: detail('phone'),
      website: detail('website'),
      address: detail('address'),
    });
    return empty(201);
  }

  private likeable(c: LikenamaCampaign): boolean {
    return (c.state === 'showing' || c.state === 'available') && c.budget >= this.classOf(c).campaignValue;
  }

  private liked(user: LikenamaUser, c: LikenamaCampaign): boolean {
    return this.likes.some((l) => l.userId === user.id && l.campaignId === c.id);
  }

  private next(user: LikenamaUser): Reply {
    const c = [...this.campaigns.values()]
      .filter(
        (c) =>
          c.ownerId !== user.id &&
          this.likeable(c) &&
          !this.liked(user, c) &&
          !this.reports.has(`${user.id}:${c.id}`),
      )
      .sort((a, b) => a.id - b.id)[0];
    if (!c) return notFound();
    const cls = this.classOf(c);
    return json(200, {
      campaign: {
        id: c.id,
        payment_type: cls.paymentType,
        coin_user_share: cls.coinUserShare,
        like_user_share: cls.likeUserShare,
        waiting: cls.waiting,
        cover: c.cover ?? null,
        description: c.description ?? null,
        phone: c.phone ?? null,
        website: c.website ?? null,
        address: c.address ?? null,
      },
    });
  }

  /** The public server's order: already liked, status, budget, waiting period, then Instagram. */
  private like(user: LikenamaUser, id: number, p: Record<string, unknown>): Reply {
    const c = this.campaigns.get(id);
    if (!c) return notFound();
    const instagramToken = str(p.access_token) ?? str(p.instagram_access_token) ?? '';
    // a repeated like succeeds again, without a second credit
    if (this.liked(user, c)) return json(201, { user: userView(user) });
    if (c.state === 'pending' || c.state === 'rejected') return base(422, MSG.notVerified);
    if (c.state === 'ended' || c.state === 'archived') return base(422, MSG.ended);
    const cls = this.classOf(c);
    if (c.budget < cls.campaignValue) return base(422, MSG.budgetRunOut);
    const last = this.likes.filter((l) => l.userId === user.id).at(-1);
    if (last) {
      const lastCampaign = this.campaigns.get(last.campaignId);
      const waitMs = lastCampaign ? this.classOf(lastCampaign).waiting * 1000 : 0;
      if (this.now() - last.at < waitMs) return base(422, MSG.mustWait);
    }
    if (instagramToken === '' || instagramToken === INSTAGRAM_TOKENS.revoked) {
      return base(401, MSG.instagramTokenInvalid);
    }
    if (instagramToken === INSTAGRAM_TOKENS.notLiked) return base(422, MSG.notLiked);
    if (c.sourceDeleted) return base(422, MSG.sourceDeleted);
    this.likes.push({ userId: user.id, campaignId: c.id, at: this.now() });
    if (cls.paymentType === 'like') user.likeCredit += cls.likeUserShare;
    else user.coinCredit += cls.coinUserShare;
    c.budget -= cls.campaignValue;
    c.totalLikes += 1;
    if (c.budget < cls.campaignValue) {
      c.state = 'ended';
      c.statusText = 'ended';
    }
    return json(201, { user: userView(user) });
  }

  private report(user: LikenamaUser, id: number): Reply {
    if (!this.campaigns.has(id)) return notFound();
    const key = `${user.id}:${id}`;
    if (this.reports.has(key)) return empty(200);
    this.reports.add(key);
    return empty(201);
  }

  private productList(): Reply {
    const inStock = [...this.products.values()].filter((p) => p.stock > 0);
    if (inStock.length === 0) return notFound();
    return json(200, { products: inStock.map(productView) });
  }

  private purchaseProduct(user: LikenamaUser, id: number): Reply {
    const product = this.products.get(id);
    if (!product || product.stock <= 0) return notFound();
    if (user.coinCredit < product.price) return errors(422, 'coin_credit', MSG.notEnoughCredit);
    user.coinCredit -= product.price;
    product.stock -= 1;
    const code = `LN-${product.id}-${String(this.nextCode++).padStart(6, '0')}`;
    return json(201, { detail: { code, product: productView(product) } });
  }

  private bundleList(): Reply {
    if (this.bundles.size === 0) return notFound();
    return json(200, {
      bundles: [...this.bundles.values()].map((b) => ({
        bazaar_sku: b.bazaarSku,
        price: b.price,
        coins: b.coins,
        free_coins: b.freeCoins,
      })),
    });
  }

  private purchaseBundle(user: LikenamaUser, sku: string, p: Record<string, unknown>): Reply {
    const bundle = this.bundles.get(sku);
    if (!bundle) return notFound();
    const token = str(p.purchase_token) ?? '';
    // Bazaar verifies the token; each one pays for one purchase
    if (token === '' || token === DECLINED_PURCHASE_TOKEN || this.usedPurchaseTokens.has(token)) {
      return base(422, MSG.paymentFailed);
    }
    this.usedPurchaseTokens.add(token);
    user.coinCredit += bundle.coins + bundle.freeCoins;
    return empty(201);
  }

  private message(user: LikenamaUser, p: Record<string, unknown>): Reply {
    const email = str(p.email) ?? '';
    const title = str(p.title) ?? '';
    const content = str(p.content) ?? '';
    const found: string[] = [];
    if (email.trim() === '') found.push(MSG.emailBlank);
    if (content.trim() === '') found.push(MSG.contentBlank);
    else if ([...content].length > this.maxMessageChars) found.push(MSG.contentTooLong);
    if (found.length > 0) return json(422, { errors: found });
    this.messages.push({ userId: user.id, email, title, content });
    return empty(201);
  }
}

const userView = (u: LikenamaUser) => ({
  username: u.username,
  like_credit: u.likeCredit,
  coin_credit: u.coinCredit,
});

const productView = (p: LikenamaProduct) => ({
  id: p.id,
  title: p.title,
  product_type: p.productType,
  price: p.price,
  description: p.description,
});

type RouteName =
  | 'POST /api/sessions'
  | 'GET /api/campaigns'
  | 'GET /api/campaigns/new'
  | 'POST /api/campaigns'
  | 'GET /api/campaigns/next'
  | 'POST /api/campaigns/:id/like'
  | 'POST /api/campaigns/:id/report'
  | 'GET /api/products'
  | 'POST /api/products/:id/purchase'
  | 'GET /api/users/self'
  | 'GET /api/bundles'
  | 'POST /api/bundles/:sku/purchase'
  | 'POST /api/messages';

const ROUTES: Array<[RouteName, string, RegExp]> = [
  ['POST /api/sessions', 'POST', /^\/api\/sessions$/],
  ['GET /api/campaigns/new', 'GET', /^\/api\/campaigns\/new$/],
  ['GET /api/campaigns/next', 'GET', /^\/api\/campaigns\/next$/],
  ['GET /api/campaigns', 'GET', /^\/api\/campaigns$/],
  ['POST /api/campaigns', 'POST', /^\/api\/campaigns$/],
  ['POST /api/campaigns/:id/like', 'POST', /^\/api\/campaigns\/(\d+)\/like$/],
  ['POST /api/campaigns/:id/report', 'POST', /^\/api\/campaigns\/(\d+)\/report$/],
  ['GET /api/products', 'GET', /^\/api\/products$/],
  ['POST /api/products/:id/purchase', 'POST', /^\/api\/products\/(\d+)\/purchase$/],
  ['GET /api/users/self', 'GET', /^\/api\/users\/self$/],
  ['GET /api/bundles', 'GET', /^\/api\/bundles$/],
  ['POST /api/bundles/:sku/purchase', 'POST', /^\/api\/bundles\/([^/]+)\/purchase$/],
  ['POST /api/messages', 'POST', /^\/api\/messages$/],
];

/** The route a request matched (its name is the recorded action, ids as `:id`), if any. */
export function routeOf(
  req: Pick<RecordedRequest, 'method' | 'path'>,
): { name: RouteName; param?: string } | null {
  const path = req.path.replace(/\/+$/, '') || '/';
  for (const [name, method, re] of ROUTES) {
    const m = req.method === method ? re.exec(path) : null;
    if (m) return { name, param: m[1] === undefined ? undefined : decodeURIComponent(m[1]) };
  }
  return null;
}

export function createLikenamaEmulator(seed: LikenamaSeed, opts: { latencyMs?: number } = {}) {
  const app = new LikenamaApp(seed);
  const emulator = new Emulator(
    {
      name: 'likenama',
      latencyMs: opts.latencyMs,
      actionOf: (req) => routeOf(req)?.name ?? `${req.method} ${req.path}`,
      rateLimitBody: { errors: { base: ['Rate limit exceeded'] } },
      wrongShapeBody: { data: { unexpected: true } },
    },
    (req) => app.handle(req),
    () => app.reset(),
  );
  return Object.assign(emulator, { app });
}
export type LikenamaEmulator = ReturnType<typeof createLikenamaEmulator>;
