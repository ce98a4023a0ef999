import { ErrorCode, LayerError } from '../shared/errors.ts';
import { AnswerReader, bodyText, readBody, type Sent } from '../shared/answer.ts';
import { UpstreamHttp, pathSegment, type CallKind, type UpstreamResponse } from '../shared/http.ts';
import { isRecord, toBool, toDecimal, toInt, toStr } from '../shared/values.ts';
import type { LikenamaConfig } from './config.ts';
import type { CampaignPaymentType, CampaignStatus } from './__generated__/resolvers-types.ts';
import { campaignStatus, isInstagramAuthMessage, messageCode, paymentType } from './words.ts';

export interface CampaignRecord {
  id: string;
  targetUrl: string;
  campaignType: string | null;
  paymentType: CampaignPaymentType | null;
  paymentTypeText: string | null;
  status: CampaignStatus | null;
  statusText: string | null;
  budget: number | null;
  totalLikes: number | null;
}

export interface CampaignClassRecord {
  id: string;
  campaignType: string | null;
  paymentType: CampaignPaymentType | null;
  paymentTypeText: string | null;
  waiting: number | null;
  maxUserLikes: number | null;
  campaignValue: number | null;
  fields: { description: boolean; phone: boolean; website: boolean; address: boolean } | null;
}

export interface NextCampaignRecord {
  id: string;
  paymentType: CampaignPaymentType | null;
  paymentTypeText: string | null;
  coinUserShare: number | null;
  likeUserShare: number | null;
  waiting: number | null;
  cover: string | null;
  description: string | null;
  phone: string | null;
  website: string | null;
  address: string | null;
}

export interface ProductRecord {
  id: string;
  title: string;
  productType: string | null;
  price: number;
  description: string | null;
}

export interface BundleRecord {
  bazaarSku: string;
  price: string;
  coins: number;
  freeCoins: number;
}

export interface LikenamaUserRecord {
  username: string;
  likeCredit: number;
  coinCredit: number;
}

export interface PurchaseRecord {
  code: string | null;
  product: ProductRecord | null;
}

/** One message of Likenama's `errors`; `field` is its key (`base`, `target_url`), null in the array form. */
export interface UpstreamFieldError {
  field: string | null;
  message: string;
}

/** Likenama refused a write, in its own words (a 4xx with `{"errors": ...}`). */
export interface Refusal {
  status: number;
  errors: UpstreamFieldError[];
}
export const isRefusal = (v: unknown): v is Refusal =>
  isRecord(v) && Array.isArray(v.errors) && typeof v.status === 'number';

export interface NewCampaign {
  campaignClassId: string;
  targetUrl: string;
  budget: number;
  description?: string | null;
  phone?: string | null;
  website?: string | null;
  address?: string | null;
}

export interface NewMessage {
  email: string;
  title: string;
  content: string;
}

/** The Likenama v1 API for one user (the token is the client's), as resolvers and loaders see it. */
export interface LikenamaApi {
  /** [] when Likenama answers 404 "nothing found" */
  campaigns(): Promise<CampaignRecord[]>;
  campaignClasses(): Promise<CampaignClassRecord[]>;
  /** null when Likenama answers 404 "nothing found" */
  nextCampaign(): Promise<NextCampaignRecord | null>;
  self(): Promise<LikenamaUserRecord>;
  products(): Promise<ProductRecord[]>;
  bundles(): Promise<BundleRecord[]>;
  createCampaign(campaign: NewCampaign): Promise<{ created: true } | Refusal>;
  /** `user` is null when Likenama accepted the like without sending the account back */
  likeCampaign(
    id: string,
    instagramAccessToken: string,
  ): Promise<{ user: LikenamaUserRecord | null } | Refusal>;
  reportCampaign(id: string): Promise<{ alreadyReported: boolean } | Refusal>;
  purchaseProduct(id: string): Promise<PurchaseRecord | Refusal>;
  purchaseBundle(sku: string, purchaseToken: string): Promise<{ purchased: true } | Refusal>;
  sendMessage(message: NewMessage): Promise<{ sent: true } | Refusal>;
}

// ---- parsing of Likenama's records (numbers arrive as exact strings from parseJsonExact) ----

export function parseCampaign(raw: unknown): CampaignRecord | null {
  if (!isRecord(raw)) return null;
  const id = toStr(raw.id);
  const targetUrl = toStr(raw.target_url);
  if (id === null || targetUrl === null) return null;
  const paymentTypeText = toStr(raw.payment_type);
  const statusText = toStr(raw.status);
  return {
    id,
    targetUrl,
    campaignType: toStr(raw.campaign_type),
    paymentType: paymentTypeText === null ? null : paymentType(paymentTypeText),
    paymentTypeText,
    status: statusText === null ? null : campaignStatus(statusText),
    statusText,
    budget: toInt(raw.budget),
    totalLikes: toInt(raw.total_likes),
  };
}

export function parseCampaignClass(raw: unknown): CampaignClassRecord | null {
  if (!isRecord(raw)) return null;
  const id = toStr(raw.id);
  if (id === null) return null;
  const paymentTypeText = toStr(raw.payment_type);
  const f = raw.fields;
  return {
    id,
    campaignType: toStr(raw.campaign_type),
    paymentType: paymentTypeText === null ? null : paymentType(paymentTypeText),
    paymentTypeText,
    waiting: toInt(raw.waiting),
    maxUserLikes: toInt(raw.max_user_likes),
    campaignValue: toInt(raw.campaign_value),
    fields: isRecord(f)
      ? {
          description: toBool(f.description) ?? false,
          phone: toBool(f.phone) ?? false,
          website: toBool(f.website) ?? false,
          address: toBool(f.address) ?? false,
        }
      : null,
  };
}

export function parseNextCampaign(raw: unknown): NextCampaignRecord | null {
  if (!isRecord(raw)) return null;
  const id = toStr(raw.id);
  if (id === null) return null;
  const paymentTypeText = toStr(raw.payment_type);
  return {
    id,
    paymentType: paymentTypeText === null ? null : paymentType(paymentTypeText),
    paymentTypeText,
    coinUserShare: toInt(raw.coin_user_share),
    likeUserShare: toInt(raw.like_user_share),
    waiting: toInt(raw.waiting),
    cover: toStr(raw.cover),
    description: toStr(raw.description),
    phone: toStr(raw.phone),
    website: toStr(raw.website),
    address: toStr(raw.address),
  };
}

export function parseProduct(raw: unknown): ProductRecord | null {
  if (!isRecord(raw)) return null;
  const id = toStr(raw.id);
  const title = toStr(raw.title);
  const price = toInt(raw.price);
  if (id === null || title === null || price === null) return null;
  return { id, title, productType: toStr(raw.product_type), price, description: toStr(raw.description) };
}

export function parseBundle(raw: unknown): BundleRecord | null {
  if (!isRecord(raw)) return null;
  const bazaarSku = toStr(raw.bazaar_sku);
  const price = toDecimal(raw.price);
  const coins = toInt(raw.coins);
  const freeCoins = toInt(raw.free_coins) ?? 0;
  if (bazaarSku === null || price === null || coins === null) return null;
  return { bazaarSku, price, coins, freeCoins };
}

export function parseUser(raw: unknown): LikenamaUserRecord | null {
  if (!isRecord(raw)) return null;
  const username = toStr(raw.username);
  const likeCredit = toInt(raw.like_credit);
  const coinCredit = toInt(raw.coin_credit);
  if (username === null || likeCredit === null || coinCredit === null) return null;
  return { username, likeCredit, coinCredit };
}

/**
 * Likenama's error body: `{"errors": {"<field>": ["..."]}}`, or `{"errors": ["..."]}` (messages).
 * Null when the body is not of either shape.
 */
export function errorsOf(body: unknown): UpstreamFieldError[] | null {
  if (!isRecord(body)) return null;
  const errors = body.errors;
  const out: UpstreamFieldError[] = [];
  if (Array.isArray(errors)) {
    for (const m of errors) {
      const message = toStr(m);
      if (message !== null) out.push({ field: null, message });
    }
  } else if (isRecord(errors)) {
    for (const [field, messages] of Object.entries(errors)) {
      for (const m of Array.isArray(messages) ? messages : [messages]) {
        const message = toStr(m);
        if (message !== null) out.push({ field, message });
      }
    }
  } else return null;
  return out.length > 0 ? out : null;
}

interface Call {
  action: string;
  method: 'GET' | 'POST';
  path: string;
  kind: CallKind;
  body?: unknown;
  /** the like endpoint: a 401 about Instagram is this call's outcome, not the caller's auth */
  instagramAuth?: boolean;
  /** credentials in this call's body (Instagram or Bazaar tokens), scrubbed like the auth token */
  secrets?: string[];
}

/** A successful (2xx) answer; `body` is undefined when Likenama sent none. */
interface Answer {
  status: number;
  body: unknown;
}

export class HttpLikenamaApi implements LikenamaApi {
  private readonly http: UpstreamHttp;
  private readonly answers: AnswerReader;
  private readonly headers: Record<string, string>;

  constructor(
    config: LikenamaConfig,
    /** the calling user's auth token, sent raw as Authorization */
    token: string,
  ) {
    this.http = new UpstreamHttp({ api: 'likenama', baseUrl: config.url, secrets: [token], ...config.http });
    this.answers = new AnswerReader(this.http, 'Likenama');
    this.headers = {
      accept: 'application/vnd.likenama.v1',
      'content-type': 'application/json',
      authorization: token,
      'user-agent': `Likenama/${config.appVersion} Android/${config.androidVersion}`,
    };
  }

  private async call(c: Call): Promise<Answer | Refusal> {
    const res = await this.http.request({
      method: c.method,
      path: c.path,
      headers: this.headers,
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
      kind: c.kind,
      action: c.action,
    });
    return this.interpret(c, res);
  }

  private interpret(c: Call, res: UpstreamResponse): Answer | Refusal {
    const sent = { action: c.action, kind: c.kind, secrets: c.secrets };
    const first = readBody(res);
    const raw = first.kind === 'json' ? errorsOf(first.value) : null;
    const errors =
      raw?.map((e) => ({ field: e.field, message: this.answers.scrub(e.message, sent) })) ?? null;
    const words = errors?.map((e) => e.message).join(' ');
    // the like endpoint's 401 about Instagram is this call's refusal, not the caller's auth
    if (res.status === 401 && c.instagramAuth && errors?.some((e) => isInstagramAuthMessage(e.message))) {
      return { status: 401, errors: errors! };
    }
    const body = this.answers.read(
      sent,
      res,
      {
        words,
        subject: 'this user',
        forbiddenIsRefusal: c.kind === 'write',
        unauthenticated: () => this.unauthenticated(sent, res, errors?.[0]?.message),
      },
      first,
    );
    if (res.status === 410) {
      throw this.answers.error(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'Likenama says this API version or app version is deprecated (HTTP 410): check LIKENAMA_APP_VERSION',
        sent,
        res,
        words,
      );
    }
    if (res.status >= 200 && res.status < 300) {
      return { status: res.status, body: body.kind === 'json' ? body.value : undefined };
    }
    if (res.status >= 400 && errors) return { status: res.status, errors };
    throw this.answers.unexpected(sent, `HTTP ${res.status} and ${bodyText(body)}`, res, words);
  }

  private unauthenticated(sent: Sent, res: UpstreamResponse, first: string | undefined): LayerError {
    const code = first === undefined ? undefined : messageCode(first);
    const reason = code === 'ACCOUNT_LOCKED' || code === 'SESSION_EXPIRED' ? code : undefined;
    // the app shows this text to its user as it is: Likenama's own words, not ours
    const err = this.answers.error(
      ErrorCode.UNAUTHENTICATED,
      first ?? 'Likenama refused the auth token (HTTP 401)',
      sent,
      res,
      first,
    );
    if (reason) err.extensions.reason = reason;
    return err;
  }

  /** A read's refusal: 404 "nothing found" is the caller's to interpret, anything else fails. */
  private readRefused(action: string, r: Refusal): LayerError {
    const message = r.errors.map((e) => e.message).join(' ');
    const code = r.status === 403 ? ErrorCode.FORBIDDEN : ErrorCode.UPSTREAM_BAD_RESPONSE;
    return new LayerError(
      code,
      `Likenama refused ${action} (HTTP ${r.status}): ${message}`,
      this.http.info(action, { status: r.status, message }),
    );
  }

  private shapeError(action: string, expected: string): LayerError {
    return this.answers.shapeError({ action, kind: 'read' }, expected);
  }

  private async list<T>(
    action: string,
    path: string,
    key: string,
    parse: (raw: unknown) => T | null,
    expected: string,
  ): Promise<T[]> {
    const r = await this.call({ action, method: 'GET', path, kind: 'read' });
    if (isRefusal(r)) {
      if (r.status === 404) return [];
      throw this.readRefused(action, r);
    }
    const rows = isRecord(r.body) ? r.body[key] : undefined;
    if (!Array.isArray(rows)) throw this.shapeError(action, `{"${key}": [...]}`);
    return rows.map((row) => {
      const rec = parse(row);
      if (rec === null) throw this.shapeError(action, expected);
      return rec;
    });
  }

  campaigns(): Promise<CampaignRecord[]> {
    return this.list(
      'campaigns',
      '/api/campaigns',
      'campaigns',
      parseCampaign,
      'campaigns with id and target_url',
    );
  }

  campaignClasses(): Promise<CampaignClassRecord[]> {
    return this.list(
      'campaign_classes',
      '/api/campaigns/new',
      'campaign_classes',
      parseCampaignClass,
      'campaign classes with an id',
    );
  }

  products(): Promise<ProductRecord[]> {
    return this.list(
      'products',
      '/api/products',
      'products',
      parseProduct,
      'products with id, title and price',
    );
  }

  bundles(): Promise<BundleRecord[]> {
    return this.list(
      'bundles',
      '/api/bundles',
      'bundles',
      parseBundle,
      'bundles with bazaar_sku, price and coins',
    );
  }

  async nextCampaign(): Promise<NextCampaignRecord | null> {
    const action = 'next_campaign';
    const r = await this.call({ action, method: 'GET', path: '/api/campaigns/next', kind: 'read' });
    if (isRefusal(r)) {
      if (r.status === 404) return null;
      throw this.readRefused(action, r);
    }
    const rec = parseNextCampaign(isRecord(r.body) ? r.body.campaign : undefined);
    if (rec === null) throw this.shapeError(action, '{"campaign": {"id", ...}}');
    return rec;
  }

  async self(): Promise<LikenamaUserRecord> {
    const action = 'users_self';
    const r = await this.call({ action, method: 'GET', path: '/api/users/self', kind: 'read' });
    if (isRefusal(r)) throw this.readRefused(action, r);
    const rec = parseUser(isRecord(r.body) ? r.body.user : undefined);
    if (rec === null) throw this.shapeError(action, '{"user": {"username", "like_credit", "coin_credit"}}');
    return rec;
  }

  async createCampaign(c: NewCampaign): Promise<{ created: true } | Refusal> {
    const campaign: Record<string, string> = {
      campaign_class_id: c.campaignClassId,
      target_url: c.targetUrl,
      // the documented request sends numbers as strings
      budget: String(c.budget),
    };
    for (const k of ['description', 'phone', 'website', 'address'] as const) {
      const v = c[k];
      if (v !== undefined && v !== null) campaign[k] = v;
    }
    const r = await this.call({
      action: 'create_campaign',
      method: 'POST',
      path: '/api/campaigns',
      kind: 'write',
      body: { campaign },
    });
    return isRefusal(r) ? r : { created: true };
  }

  async likeCampaign(id: string, instagramAccessToken: string) {
    const r = await this.call({
      action: 'like',
      method: 'POST',
      path: `/api/campaigns/${pathSegment(id)}/like`,
      kind: 'write',
      // the docs name it access_token, the public server's code instagram_access_token
      body: { like: { access_token: instagramAccessToken, instagram_access_token: instagramAccessToken } },
      instagramAuth: true,
      secrets: [instagramAccessToken],
    });
    if (isRefusal(r)) return r;
    return { user: parseUser(isRecord(r.body) ? r.body.user : undefined) };
  }

  async reportCampaign(id: string) {
    const r = await this.call({
      action: 'report',
      method: 'POST',
      path: `/api/campaigns/${pathSegment(id)}/report`,
      kind: 'write',
    });
    if (isRefusal(r)) return r;
    return { alreadyReported: r.status === 200 };
  }

  async purchaseProduct(id: string): Promise<PurchaseRecord | Refusal> {
    const r = await this.call({
      action: 'purchase_product',
      method: 'POST',
      path: `/api/products/${pathSegment(id)}/purchase`,
      kind: 'write',
    });
    if (isRefusal(r)) return r;
    const detail = isRecord(r.body) && isRecord(r.body.detail) ? r.body.detail : {};
    return { code: toStr(detail.code), product: parseProduct(detail.product) };
  }

  async purchaseBundle(sku: string, purchaseToken: string): Promise<{ purchased: true } | Refusal> {
    const r = await this.call({
      action: 'purchase_bundle',
      method: 'POST',
      path: `/api/bundles/${pathSegment(sku)}/purchase`,
      kind: 'write',
      body: { bundle: { purchase_token: purchaseToken } },
      secrets: [purchaseToken],
    });
    return isRefusal(r) ? r : { purchased: true };
  }

  async sendMessage(m: NewMessage): Promise<{ sent: true } | Refusal> {
    const r = await this.call({
      action: 'message',
      method: 'POST',
      path: '/api/messages',
      kind: 'write',
      body: { message: { email: m.email, title: m.title, content: m.content } },
    });
    return isRefusal(r) ? r : { sent: true };
  }
}
