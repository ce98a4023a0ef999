import type { LayerError } from '../shared/errors.ts';
import { ErrorCode } from '../shared/errors.ts';
import { AnswerReader, bodyText, readBody } from '../shared/answer.ts';
import { UpstreamHttp, pathSegment, type CallKind, type UpstreamResponse } from '../shared/http.ts';
import type { HttpSettings } from '../shared/config.ts';
import { enumKey, isRecord, toDecimal, toInt, toStr } from '../shared/values.ts';
import type {
  AdDistrict,
  AdNetwork,
  AdOrderStatus,
  AdPricingModel,
  AudienceGender,
} from './__generated__/resolvers-types.ts';
import { districtValue } from './districts.ts';

/** Solmate refused this one thing, in its own words (not a transport or auth failure). */
export interface Refusal {
  refused: string;
  httpStatus: number;
}
export const isRefusal = (v: unknown): v is Refusal => isRecord(v) && typeof v.refused === 'string';

/** An order as GET /v2/orders/<id> describes it, in either dialect. */
export interface AdOrderRecord {
  id: string;
  title: string | null;
  network: AdNetwork | null;
  networkText: string | null;
  model: AdPricingModel | null;
  modelText: string | null;
  totalBudget: string | null;
  dailyBudget: string | null;
  materialUrl: string | null;
  clickUrl: string | null;
  displayTime: number | null;
  gender: AudienceGender | null;
  genderText: string | null;
  districts: AdDistrict[] | null;
  districtNames: string[] | null;
}

export interface AdOrderStatusRecord {
  status: AdOrderStatus;
  statusText: string;
  statusDetail: string | null;
}

/** A request body as Solmate takes it: snake_case keys, strings and lists of strings. */
export type WireBody = Record<string, string | string[]>;

export type StatusAction = 'pause' | 'resume';

/** The Solmate v2 API as loaders and resolvers see it (the undici client, or a fake in tests). */
export interface SolmateApi {
  getOrder(id: string): Promise<AdOrderRecord | Refusal>;
  getStatus(id: string): Promise<AdOrderStatusRecord | Refusal>;
  createOrder(body: WireBody): Promise<{ id: string } | Refusal>;
  updateOrder(id: string, body: WireBody): Promise<{ id: string } | Refusal>;
  setStatus(id: string, action: StatusAction): Promise<{ ok: true } | Refusal>;
  deleteOrder(id: string): Promise<{ ok: true } | Refusal>;
}

const NETWORKS = new Set<AdNetwork>(['VIESHOW', 'SALON', 'COFFEE_RESTAURANT']);
const MODELS = new Set<AdPricingModel>(['CPM', 'CPV']);
const GENDERS = new Set<AudienceGender>(['MALE', 'FEMALE']);

const STATUSES: Record<string, AdOrderStatus> = {
  running: 'RUNNING',
  waiting: 'WAITING',
  pending: 'PENDING',
  'limit by budget': 'LIMITED_BY_BUDGET',
  stop: 'STOPPED',
  error: 'ERROR',
};

const oneOf = <T extends string>(known: Set<T>, text: string): T | 'UNKNOWN' => {
  const key = enumKey(text) as T;
  return known.has(key) ? key : 'UNKNOWN';
};

export const orderStatus = (text: string): AdOrderStatus =>
  STATUSES[
    text
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, ' ')
  ] ?? 'UNKNOWN';

/** Texts by which Solmate says an id does not exist, in either dialect. */
export const isNotFoundText = (message: string) => /not\s*found|wrong\s+(ad\s+)?id|no such/i.test(message);

const AUTH_TEXT = /unauthori[sz]ed|unauthenticated|authenticat|invalid credential|wrong password/i;

function parseDistricts(raw: unknown): { names: string[]; values: AdDistrict[] } | null {
  let names: string[] | null = null;
  if (Array.isArray(raw)) names = raw.map((v) => toStr(v)).filter((v): v is string => v !== null);
  else if (typeof raw === 'string') names = raw.split(/[,，、]/).filter((s) => s.trim() !== '');
  if (names === null) return null;
  const values = names.map(districtValue).filter((v): v is AdDistrict => v !== undefined);
  return { names, values };
}

/** One order's body; null when it is not of the documented shape. */
export function parseOrder(id: string, body: unknown): AdOrderRecord | null {
  if (!isRecord(body)) return null;
  const rec = isRecord(body.order) ? body.order : isRecord(body.data) ? body.data : body;
  const given = toStr(rec.id);
  if (given !== null && given !== id) return null;
  const fields = ['title', 'network', 'model', 'total_budget', 'daily_budget', 'material_url', 'click_url'];
  if (given === null && !fields.some((f) => rec[f] !== undefined)) return null;
  const networkText = toStr(rec.network);
  const modelText = toStr(rec.model);
  const genderText = rec.gender === null ? '' : toStr(rec.gender);
  const districts = parseDistricts(rec.districts ?? rec.district);
  return {
    id,
    title: toStr(rec.title),
    network: networkText === null ? null : oneOf(NETWORKS, networkText),
    networkText,
    model: modelText === null ? null : oneOf(MODELS, modelText),
    modelText,
    totalBudget: toDecimal(rec.total_budget),
    dailyBudget: toDecimal(rec.daily_budget),
    materialUrl: toStr(rec.material_url),
    clickUrl: toStr(rec.click_url),
    displayTime: toInt(rec.display_time),
    gender: genderText === null || genderText.trim() === '' ? null : oneOf(GENDERS, genderText),
    genderText,
    districts: districts?.values ?? null,
    districtNames: districts?.names ?? null,
  };
}

type Interpreted = { ok: Record<string, unknown> } | Refusal;

export class HttpSolmateApi implements SolmateApi {
  private readonly http: UpstreamHttp;
  private readonly answers: AnswerReader;

  /**
   * @param authorization a full `Basic …` header value
   * @param secrets every credential text that must never be passed on (password, token)
   */
  constructor(
    baseUrl: string,
    private readonly authorization: string,
    secrets: string[],
    settings: HttpSettings,
  ) {
    this.http = new UpstreamHttp({ api: 'solmate', baseUrl, secrets, label: 'Solmate', ...settings });
    this.answers = new AnswerReader(this.http, 'Solmate');
  }

  private async call(
    action: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    kind: CallKind,
    body?: unknown,
    statusIsData = false,
  ): Promise<Interpreted> {
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    const res = await this.http.request({
      method,
      path,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      kind,
      action,
    });
    return this.interpret(action, res, kind, statusIsData);
  }

  /**
   * Reads both dialects whatever the HTTP status: `{"status":"ok"|"failed", ...}` (the seed)
   * and `{"id"}` / `{"message"}` (the later revision). On the status call `status` is the
   * order's own status, so only `failed` or a bare `message` means a refusal there.
   */
  private interpret(
    action: string,
    res: UpstreamResponse,
    kind: CallKind,
    statusIsData: boolean,
  ): Interpreted {
    const sent = { action, kind };
    const first = readBody(res);
    const parsed = first.kind === 'json' ? first.value : undefined;
    const message = isRecord(parsed) ? toStr(parsed.message) : null;
    const words = message ?? undefined;
    // the seed dialect answers a bad password with 200 and a message
    if (message !== null && AUTH_TEXT.test(message) && !isNotFoundText(message) && res.status < 500) {
      throw this.answers.error(
        ErrorCode.UNAUTHENTICATED,
        'Solmate refused the credentials',
        sent,
        res,
        words,
      );
    }
    const body = this.answers.read(
      sent,
      res,
      {
        words,
        subject: 'this account',
        forbiddenIsRefusal: kind === 'write',
      },
      first,
    );
    if (!isRecord(parsed)) {
      throw this.answers.unexpected(
        sent,
        body.kind === 'json' ? 'JSON that is not an object' : bodyText(body),
        res,
      );
    }
    const statusText = toStr(parsed.status);
    const failed = statusText !== null && /^fail(ed|ure)?$/i.test(statusText.trim());
    const bareMessage = message !== null && statusText === null && (statusIsData || parsed.id === undefined);
    if (failed || bareMessage || res.status >= 400) {
      if (message === null && !failed) throw this.answers.unexpected(sent, `HTTP ${res.status}`, res);
      return { refused: this.answers.scrub(message ?? statusText ?? 'failed'), httpStatus: res.status };
    }
    return { ok: parsed };
  }

  private shapeError(action: string, expected: string): LayerError {
    return this.answers.shapeError({ action, kind: 'read' }, expected);
  }

  async getOrder(id: string): Promise<AdOrderRecord | Refusal> {
    const r = await this.call('getOrder', 'GET', `/orders/${pathSegment(id)}`, 'read');
    if (isRefusal(r)) return r;
    const order = parseOrder(id, r.ok);
    if (!order) throw this.shapeError('getOrder', `order ${id}`);
    return order;
  }

  async getStatus(id: string): Promise<AdOrderStatusRecord | Refusal> {
    const r = await this.call(
      'getStatus',
      'GET',
      `/orders/${pathSegment(id)}/status`,
      'read',
      undefined,
      true,
    );
    if (isRefusal(r)) return r;
    const statusText = toStr(r.ok.status);
    if (statusText === null) throw this.shapeError('getStatus', '{"status"}');
    return { status: orderStatus(statusText), statusText, statusDetail: toStr(r.ok.message) };
  }

  async createOrder(body: WireBody): Promise<{ id: string } | Refusal> {
    const r = await this.call('createOrder', 'POST', '/orders', 'write', body);
    if (isRefusal(r)) return r;
    const id = toStr(r.ok.id);
    if (id === null || !/^\d{1,20}$/.test(id)) {
      throw this.answers.unknown({ action: 'createOrder', kind: 'write' }, 'a body without an order id');
    }
    return { id };
  }

  async updateOrder(id: string, body: WireBody): Promise<{ id: string } | Refusal> {
    const r = await this.call('updateOrder', 'PUT', `/orders/${pathSegment(id)}`, 'write', body);
    return isRefusal(r) ? r : { id };
  }

  async setStatus(id: string, action: StatusAction): Promise<{ ok: true } | Refusal> {
    const name = action === 'pause' ? 'pauseOrder' : 'resumeOrder';
    const r = await this.call(name, 'PUT', `/orders/${pathSegment(id)}/status`, 'write', { action });
    return isRefusal(r) ? r : { ok: true };
  }

  async deleteOrder(id: string): Promise<{ ok: true } | Refusal> {
    const r = await this.call('deleteOrder', 'DELETE', `/orders/${pathSegment(id)}`, 'write', {});
    return isRefusal(r) ? r : { ok: true };
  }
}
