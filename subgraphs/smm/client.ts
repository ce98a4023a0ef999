import { ErrorCode, LayerError } from '../shared/errors.ts';
import { AnswerReader, bodyText, readBody } from '../shared/answer.ts';
import { UpstreamHttp, type CallKind, type UpstreamResponse } from '../shared/http.ts';
import type { HttpSettings } from '../shared/config.ts';
import { enumKey, isRecord, toBool, toDecimal, toInt, toStr } from '../shared/values.ts';
import { DEFAULT_USER_AGENT, type ProviderConfig } from './config.ts';
import type { SmmOrderStatus, SmmRefillStatus, SmmServiceType } from './__generated__/resolvers-types.ts';

/** The panel refused this one thing, in its own words (not a transport or auth failure). */
export interface PanelRefusal {
  refused: string;
}
export const isRefusal = (v: unknown): v is PanelRefusal => isRecord(v) && typeof v.refused === 'string';

export interface SmmServiceRecord {
  id: string;
  name: string;
  type: SmmServiceType;
  typeText: string;
  category: string | null;
  rate: string;
  min: number;
  max: number;
  refill: boolean;
  cancel: boolean;
  dripfeed: boolean | null;
  description: string | null;
}

export interface SmmOrderRecord {
  provider: string;
  id: string;
  status: SmmOrderStatus | null;
  statusText: string | null;
  charge: string | null;
  startCount: number | null;
  remains: number | null;
  currency: string | null;
}

export interface SmmRefillRecord {
  provider: string;
  id: string;
  status: SmmRefillStatus | null;
  statusText: string | null;
}

export interface SmmBalanceRecord {
  amount: string;
  currency: string;
}

/** The SMM panel v2 protocol, as the resolvers and loaders see it (an undici client or a fake). */
export interface SmmApi {
  readonly provider: ProviderConfig;
  services(): Promise<SmmServiceRecord[]>;
  balance(): Promise<SmmBalanceRecord>;
  /** at most 100 ids; an id missing from the map is unknown to the panel */
  orderStatuses(ids: readonly string[]): Promise<Map<string, SmmOrderRecord | PanelRefusal>>;
  refillStatuses(ids: readonly string[]): Promise<Map<string, SmmRefillRecord | PanelRefusal>>;
  addOrder(params: Record<string, string>): Promise<{ order: string } | PanelRefusal>;
  refill(orderIds: readonly string[]): Promise<Map<string, { refill: string } | PanelRefusal>>;
  cancel(orderIds: readonly string[]): Promise<Map<string, { requested: boolean } | PanelRefusal>>;
}

/** Most ids the protocol takes in one comma-joined call. */
export const MAX_IDS_PER_CALL = 100;

const ORDER_STATUSES: Record<string, SmmOrderStatus> = {
  PENDING: 'PENDING',
  IN_PROGRESS: 'IN_PROGRESS',
  INPROGRESS: 'IN_PROGRESS',
  PROCESSING: 'PROCESSING',
  PARTIAL: 'PARTIAL',
  COMPLETED: 'COMPLETED',
  CANCELED: 'CANCELED',
  CANCELLED: 'CANCELED',
  REFUNDED: 'REFUNDED',
  ACTIVE: 'ACTIVE',
  PAUSED: 'PAUSED',
  EXPIRED: 'EXPIRED',
};

const REFILL_STATUSES: Record<string, SmmRefillStatus> = {
  PENDING: 'PENDING',
  IN_PROGRESS: 'IN_PROGRESS',
  INPROGRESS: 'IN_PROGRESS',
  COMPLETED: 'COMPLETED',
  REJECTED: 'REJECTED',
  ERROR: 'ERROR',
};

const SERVICE_TYPES = new Set<SmmServiceType>([
  'DEFAULT',
  'PACKAGE',
  'SEO',
  'CUSTOM_COMMENTS',
  'CUSTOM_COMMENTS_PACKAGE',
  'MENTIONS',
  'MENTIONS_WITH_HASHTAGS',
  'MENTIONS_CUSTOM_LIST',
  'MENTIONS_HASHTAG',
  'MENTIONS_USER_FOLLOWERS',
  'MENTIONS_MEDIA_LIKERS',
  'COMMENT_LIKES',
  'POLL',
  'COMMENT_REPLIES',
  'INVITES_FROM_GROUPS',
  'SUBSCRIPTIONS',
]);

export const serviceType = (text: string): SmmServiceType => {
  const key = enumKey(text) as SmmServiceType;
  return SERVICE_TYPES.has(key) ? key : 'UNKNOWN';
};
const orderStatus = (text: string): SmmOrderStatus => ORDER_STATUSES[enumKey(text)] ?? 'UNKNOWN';
const refillStatus = (text: string): SmmRefillStatus => REFILL_STATUSES[enumKey(text)] ?? 'UNKNOWN';

/** How a panel's error text should surface: some texts mean the whole call failed. */
export function classifyPanelError(message: string): ErrorCode | null {
  const m = message.toLowerCase();
  if (/(api[\s_.-]?key|invalid[\s_.-]?key|incorrect[\s_.-]?key|unauthori[sz]ed|not authenticated)/.test(m)) {
    return ErrorCode.UNAUTHENTICATED;
  }
  if (/(rate[\s_.-]?limit|too many requests|limit exceeded)/.test(m)) return ErrorCode.RATE_LIMITED;
  if (/(account (is )?(banned|suspended|blocked|disabled)|ip (is )?not allowed|access denied)/.test(m)) {
    return ErrorCode.FORBIDDEN;
  }
  return null;
}

export function parseService(raw: unknown): SmmServiceRecord | null {
  if (!isRecord(raw)) return null;
  const id = toStr(raw.service);
  const name = toStr(raw.name);
  const rate = toDecimal(raw.rate);
  const min = toInt(raw.min);
  const max = toInt(raw.max);
  if (id === null || name === null || rate === null || min === null || max === null) return null;
  const typeText = toStr(raw.type) ?? 'Default';
  return {
    id,
    name,
    type: serviceType(typeText),
    typeText,
    category: toStr(raw.category),
    rate,
    min,
    max,
    refill: toBool(raw.refill) ?? false,
    cancel: toBool(raw.cancel) ?? false,
    dripfeed: toBool(raw.dripfeed),
    description: toStr(raw.desc) ?? toStr(raw.description),
  };
}

/** One order's status body; null when it is not of the documented shape. */
export function parseOrderStatus(
  provider: string,
  id: string,
  raw: unknown,
): SmmOrderRecord | PanelRefusal | null {
  if (typeof raw === 'string') return { refused: raw };
  if (!isRecord(raw)) return null;
  if (raw.error !== undefined) return { refused: toStr(raw.error) ?? 'error' };
  const statusText = toStr(raw.status);
  if (statusText === null) return null;
  return {
    provider,
    id,
    status: orderStatus(statusText),
    statusText,
    charge: toDecimal(raw.charge),
    startCount: toInt(raw.start_count ?? raw.start_counter),
    remains: toInt(raw.remains),
    currency: toStr(raw.currency),
  };
}

function parseRefillStatus(
  provider: string,
  id: string,
  raw: unknown,
): SmmRefillRecord | PanelRefusal | null {
  if (typeof raw === 'string') return { provider, id, status: refillStatus(raw), statusText: raw };
  if (!isRecord(raw)) return null;
  if (raw.error !== undefined) return { refused: toStr(raw.error) ?? 'error' };
  const status = raw.status;
  if (isRecord(status)) return { refused: toStr(status.error) ?? 'error' };
  const statusText = toStr(status);
  if (statusText === null) return null;
  return { provider, id, status: refillStatus(statusText), statusText };
}

/** A per-item outcome in a multi refill/cancel answer: a value, or `{"error": ...}`. */
function itemOutcome<T>(raw: unknown, ok: (v: unknown) => T | null): T | PanelRefusal | null {
  if (isRecord(raw)) return raw.error !== undefined ? { refused: toStr(raw.error) ?? 'error' } : null;
  return ok(raw);
}

/** Rows of a multi answer, whether the panel sent an array of rows or an object keyed by id. */
function rowsOf(body: unknown, idField: string, valueField: string): Array<[string, unknown]> | null {
  if (Array.isArray(body)) {
    const rows: Array<[string, unknown]> = [];
    for (const row of body) {
      if (!isRecord(row)) return null;
      const id = toStr(row[idField]);
      if (id === null) return null;
      rows.push([id, row[valueField] ?? (row.error !== undefined ? { error: row.error } : undefined)]);
    }
    return rows;
  }
  if (isRecord(body)) {
    return Object.entries(body).map(([id, v]) => [id, isRecord(v) && valueField in v ? v[valueField] : v]);
  }
  return null;
}

export class HttpSmmApi implements SmmApi {
  private readonly http: UpstreamHttp;
  private readonly answers: AnswerReader;

  constructor(
    readonly provider: ProviderConfig,
    private readonly key: string,
    settings: HttpSettings,
  ) {
    this.http = new UpstreamHttp({
      api: 'smm',
      provider: provider.id,
      baseUrl: provider.url,
      secrets: [key],
      label: `SMM provider ${provider.id}`,
      ...settings,
    });
    this.answers = new AnswerReader(this.http, this.http.label);
  }

  private get label() {
    return this.http.label;
  }

  /**
   * Sends one protocol call and returns its parsed body, or a PanelRefusal for a top-level
   * `{"error": ...}` that is about this call's subject. Auth, rate-limit, transport and shape
   * failures are thrown as layer errors.
   */
  private async call(action: string, params: Record<string, string>, kind: CallKind): Promise<unknown> {
    const fields = { key: this.key, action, ...params };
    const headers: Record<string, string> = {
      'user-agent': this.provider.userAgent ?? DEFAULT_USER_AGENT,
      accept: 'application/json',
    };
    const enc = this.provider.encoding;
    let body: string | undefined;
    if (enc === 'json') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(fields);
    } else if (enc === 'form') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(fields).toString();
    }
    const res = await this.http.request({
      method: enc === 'query' ? 'GET' : 'POST',
      path: '',
      query: enc === 'query' ? fields : undefined,
      headers,
      body,
      kind,
      action,
    });
    return this.interpret(action, res, kind);
  }

  private interpret(action: string, res: UpstreamResponse, kind: CallKind): unknown {
    const sent = { action, kind };
    const first = readBody(res);
    const parsed = first.kind === 'json' ? first.value : undefined;
    const panelError = isRecord(parsed) && typeof parsed.error === 'string' ? parsed.error : undefined;
    const body = this.answers.read(sent, res, { words: panelError, subject: 'the API key' }, first);
    // panels answer 200 with an error text for what other APIs give a status
    switch (panelError === undefined ? null : classifyPanelError(panelError)) {
      case ErrorCode.RATE_LIMITED:
        throw this.answers.error(
          ErrorCode.RATE_LIMITED,
          `${this.label} is rate limiting the API key`,
          sent,
          res,
          panelError,
        );
      case ErrorCode.UNAUTHENTICATED:
        throw this.answers.error(
          ErrorCode.UNAUTHENTICATED,
          `${this.label} refused the API key`,
          sent,
          res,
          panelError,
        );
      case ErrorCode.FORBIDDEN:
        throw this.answers.error(
          ErrorCode.FORBIDDEN,
          `${this.label} refused this account`,
          sent,
          res,
          panelError,
        );
    }
    if (panelError !== undefined) return { refused: this.answers.scrub(panelError) } satisfies PanelRefusal;
    if (body.kind !== 'json') throw this.answers.unexpected(sent, bodyText(body), res);
    if (res.status >= 400) throw this.answers.unexpected(sent, `HTTP ${res.status}`, res);
    return parsed;
  }

  async services(): Promise<SmmServiceRecord[]> {
    const body = await this.call('services', {}, 'read');
    if (isRefusal(body)) throw this.refusalError('services', body);
    if (!Array.isArray(body)) throw this.shapeError('services', 'an array of services');
    const out: SmmServiceRecord[] = [];
    for (const row of body) {
      const s = parseService(row);
      if (!s) throw this.shapeError('services', 'services with service, name, rate, min and max');
      out.push(s);
    }
    return out;
  }

  async balance(): Promise<SmmBalanceRecord> {
    const body = await this.call('balance', {}, 'read');
    if (isRefusal(body)) throw this.refusalError('balance', body);
    const amount = isRecord(body) ? toDecimal(body.balance) : null;
    if (amount === null) throw this.shapeError('balance', '{"balance", "currency"}');
    const currency = toStr((body as Record<string, unknown>).currency) ?? this.provider.currency ?? 'USD';
    return { amount, currency };
  }

  async orderStatuses(ids: readonly string[]): Promise<Map<string, SmmOrderRecord | PanelRefusal>> {
    const out = new Map<string, SmmOrderRecord | PanelRefusal>();
    const pid = this.provider.id;
    if (ids.length === 1) {
      const id = ids[0]!;
      const body = await this.call('status', { order: id }, 'read');
      const rec = isRefusal(body) ? body : parseOrderStatus(pid, id, body);
      if (rec === null) throw this.shapeError('status', 'an order status object');
      out.set(id, rec);
      return out;
    }
    const body = await this.call('status', { orders: ids.join(',') }, 'read');
    // every id bad: some panels answer one top-level error instead of the keyed object
    if (isRefusal(body)) {
      for (const id of ids) out.set(id, body);
      return out;
    }
    if (!isRecord(body)) throw this.shapeError('status', 'an object keyed by order id');
    for (const id of ids) {
      if (!(id in body)) continue;
      const rec = parseOrderStatus(pid, id, body[id]);
      if (rec === null) throw this.shapeError('status', `an order status object for ${id}`);
      out.set(id, rec);
    }
    return out;
  }

  async refillStatuses(ids: readonly string[]): Promise<Map<string, SmmRefillRecord | PanelRefusal>> {
    const out = new Map<string, SmmRefillRecord | PanelRefusal>();
    const pid = this.provider.id;
    if (ids.length === 1) {
      const id = ids[0]!;
      const body = await this.call('refill_status', { refill: id }, 'read');
      const rec = isRefusal(body) ? body : parseRefillStatus(pid, id, body);
      if (rec === null) throw this.shapeError('refill_status', '{"status"}');
      out.set(id, rec);
      return out;
    }
    const body = await this.call('refill_status', { refills: ids.join(',') }, 'read');
    if (isRefusal(body)) {
      for (const id of ids) out.set(id, body);
      return out;
    }
    const rows = rowsOf(body, 'refill', 'status');
    if (rows === null) throw this.shapeError('refill_status', 'an array of {"refill", "status"}');
    for (const [id, value] of rows) {
      const rec = parseRefillStatus(pid, id, isRecord(value) ? value : { status: value });
      if (rec === null) throw this.shapeError('refill_status', `a status for refill ${id}`);
      out.set(id, rec);
    }
    return out;
  }

  async addOrder(params: Record<string, string>): Promise<{ order: string } | PanelRefusal> {
    const action = 'add';
    const body = await this.call(action, params, 'write');
    if (isRefusal(body)) return body;
    const order = isRecord(body) ? toStr(body.order) : null;
    if (order === null || !/^\d+$/.test(order)) {
      throw this.answers.unknown({ action, kind: 'write' }, 'a body without an order id');
    }
    return { order };
  }

  async refill(orderIds: readonly string[]): Promise<Map<string, { refill: string } | PanelRefusal>> {
    const out = new Map<string, { refill: string } | PanelRefusal>();
    const single = orderIds.length === 1;
    const body = await this.call(
      'refill',
      single ? { order: orderIds[0]! } : { orders: orderIds.join(',') },
      'write',
    );
    if (isRefusal(body)) {
      for (const id of orderIds) out.set(id, body);
      return out;
    }
    // `{"refill": "1"}`: the single form, and what some panels answer for a multi refill too
    if (isRecord(body) && 'refill' in body && !('order' in body)) {
      const refill = toStr(body.refill);
      if (refill === null) throw this.writeShapeError('refill');
      for (const id of orderIds) out.set(id, { refill });
      return out;
    }
    const rows = rowsOf(body, 'order', 'refill');
    if (rows === null) throw this.writeShapeError('refill');
    for (const [id, value] of rows) {
      const outcome = itemOutcome(value, (v) => (toStr(v) !== null ? { refill: toStr(v)! } : null));
      if (outcome === null) throw this.writeShapeError('refill');
      out.set(id, outcome);
    }
    return out;
  }

  async cancel(orderIds: readonly string[]): Promise<Map<string, { requested: boolean } | PanelRefusal>> {
    const out = new Map<string, { requested: boolean } | PanelRefusal>();
    const body = await this.call('cancel', { orders: orderIds.join(',') }, 'write');
    if (isRefusal(body)) {
      for (const id of orderIds) out.set(id, body);
      return out;
    }
    const rows = rowsOf(body, 'order', 'cancel');
    if (rows === null) throw this.writeShapeError('cancel');
    for (const [id, value] of rows) {
      const outcome = itemOutcome(value, (v) => (toBool(v) !== null ? { requested: toBool(v)! } : null));
      if (outcome === null) throw this.writeShapeError('cancel');
      out.set(id, outcome);
    }
    return out;
  }

  private shapeError(action: string, expected: string): LayerError {
    return this.answers.shapeError({ action, kind: 'read' }, expected);
  }

  private writeShapeError(action: string): LayerError {
    return this.answers.unknown({ action, kind: 'write' }, 'a body this layer cannot read');
  }

  private refusalError(action: string, r: PanelRefusal): LayerError {
    return new LayerError(
      ErrorCode.UPSTREAM_BAD_RESPONSE,
      `${this.label} refused ${action}: ${r.refused}`,
      this.http.info(action, { message: r.refused }),
    );
  }
}
