import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordedRequest, Reply } from '../shared/emulator.ts';

/**
 * The two response dialects of Solmate's docs: the seed's (`{"status":"ok","id"}` /
 * `{"status":"failed","message"}` on HTTP 200, upper-case values, strings everywhere) and the
 * later revision's (`{"id"}` / `{"message"}` with a 4xx, lower-case values, JSON numbers).
 */
export type Dialect = 'seed' | 'later';

export interface SolmateAccount {
  user: string;
  password: string;
}

/** The seed's 32 districts, as Solmate spells them. */
export const SOLMATE_DISTRICTS = [
  '台北中山大同',
  '台北信義安和',
  '台北信義市府',
  '台北南京八德',
  '台北士林天母',
  '台北大直內湖',
  '台北師大公館',
  '台北忠孝東路',
  '台北木柵政大',
  '台北東門永康',
  '台北松江南京',
  '台北民生民權',
  '台北永春南港',
  '台北西門艋舺',
  '新北三重蘆洲',
  '新北中和永和',
  '新北新莊泰山',
  '新北板橋土城',
  '新北汐止車站',
  '桃園中壢市區',
  '新竹市區',
  '台中市區',
  '台南市區',
  '高雄市區',
  '台北景美新店',
  '新竹車站市區',
  '苗栗頭份市區',
  '桃園車站市區',
  '台北中正站前',
  '宜蘭車站市區',
  '屏東市區',
  '其他',
] as const;

const NETWORKS = ['VIESHOW', 'SALON', 'COFFEE_RESTAURANT'];
const MODELS = ['CPM', 'CPV'];
const GENDERS = ['', 'MALE', 'FEMALE'];

/** Where an order stands; `pending` orders with `approveAt` start running once it passes. */
export type OrderState = 'pending' | 'running' | 'waiting' | 'limit by budget' | 'stop' | 'error';

export interface StoredOrder {
  id: string;
  owner: string;
  title: string;
  network: string;
  model: string;
  totalBudget: string;
  dailyBudget: string;
  materialUrl: string;
  clickUrl: string;
  displayTime: number;
  gender: string;
  districts: string[];
  state: OrderState;
  approveAt?: number;
  statusMessage?: string;
}

export interface SolmateBackendOptions {
  accounts: SolmateAccount[];
  dialect?: Dialect;
  /** how long a new order stays `pending` (in review) before it runs */
  reviewMs?: number;
  /** orders that exist from the start (and after every reset) */
  seedOrders?: Array<Omit<StoredOrder, 'approveAt'>>;
  firstOrderId?: number;
}

const ROUTE = /^\/v2\/orders(?:\/([^/]+)(\/status)?)?\/?$/;

/** The emulator's name for a request: used for recording and for matching faults. */
export function actionOf(req: RecordedRequest): string {
  const m = ROUTE.exec(req.path);
  if (!m) return `${req.method} ${req.path}`;
  const [, id, status] = m;
  if (!id) return req.method === 'POST' ? 'createOrder' : `${req.method} ${req.path}`;
  if (status) {
    if (req.method === 'GET') return 'getStatus';
    const action = (req.body as { action?: unknown } | undefined)?.action;
    return action === 'pause' ? 'pauseOrder' : action === 'resume' ? 'resumeOrder' : 'setStatus';
  }
  return (
    { GET: 'getOrder', PUT: 'updateOrder', DELETE: 'deleteOrder' }[req.method] ?? `${req.method} ${req.path}`
  );
}

const isPositiveNumber = (v: unknown) =>
  (typeof v === 'string' || typeof v === 'number') && /^\d+(\.\d+)?$/.test(String(v).trim()) && Number(v) > 0;

const isUrl = (v: unknown) => {
  if (typeof v !== 'string') return false;
  try {
    return /^https?:$/.test(new URL(v).protocol);
  } catch {
    return false;
  }
};

const empty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

// Later-dialect numbers are written from their decimal text, so budgets stay exact on the wire.
class RawNumber {
  constructor(readonly text: string) {}
}
const RAW = /"\\u0000(-?[0-9.]+)\\u0000"/g;
const serialize = (body: unknown) =>
  JSON.stringify(body, (_k, v: unknown) => (v instanceof RawNumber ? `\u0000${v.text}\u0000` : v)).replace(
    RAW,
    '$1',
  );

class Refused extends Error {
  constructor(
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

/** Solmate's orders, accounts and rules; the HTTP shell around it is the shared Emulator. */
export class SolmateBackend {
  orders = new Map<string, StoredOrder>();
  dialect: Dialect;
  reviewMs: number;
  /** the backend's clock: a test moves it past a review instead of waiting (reset restores it) */
  now: () => number = Date.now;
  /** extra time every GET is held, to observe how many are in flight at once */
  readHoldMs = 0;
  inFlight = 0;
  maxInFlight = 0;
  private nextId = 0;
  private refusals: Array<{ action: string; message: string }> = [];

  constructor(private readonly opts: SolmateBackendOptions) {
    this.dialect = opts.dialect ?? 'seed';
    this.reviewMs = opts.reviewMs ?? 3000;
    this.reset();
  }

  reset(): void {
    this.dialect = this.opts.dialect ?? 'seed';
    this.reviewMs = this.opts.reviewMs ?? 3000;
    this.now = Date.now;
    this.readHoldMs = 0;
    this.inFlight = 0;
    this.maxInFlight = 0;
    this.refusals = [];
    this.nextId = this.opts.firstOrderId ?? 102341285600;
    this.orders.clear();
    for (const o of this.opts.seedOrders ?? []) this.orders.set(o.id, { ...o, districts: [...o.districts] });
  }

  /**
   * Makes the next `action` (createOrder, updateOrder, ...) fail with Solmate's own kind of
   * refusal, once: for rules this emulator does not model, such as a review verdict.
   */
  refuseNext(action: string, message: string): void {
    this.refusals.push({ action, message });
  }

  /** Adds an order of `user` directly (tests), returning its id. */
  seedOrder(fields: Partial<Omit<StoredOrder, 'id'>> = {}): string {
    const id = String(this.nextId++);
    this.orders.set(id, {
      id,
      owner: this.opts.accounts[0]!.user,
      title: `order ${id}`,
      network: 'VIESHOW',
      model: 'CPM',
      totalBudget: '1000',
      dailyBudget: '100',
      materialUrl: 'https://cdn.solmate.cc/m.mp4',
      clickUrl: 'https://cdn.solmate.cc/c.jpg',
      displayTime: 30,
      gender: '',
      districts: [],
      state: 'running',
      ...fields,
    });
    return id;
  }

  /** Puts an order in a given state (tests and demos). */
  setState(id: string, state: OrderState, statusMessage?: string): void {
    const o = this.orders.get(id);
    if (!o) throw new Error(`no order ${id}`);
    o.state = state;
    o.approveAt = undefined;
    o.statusMessage = statusMessage;
  }

  private user(req: RecordedRequest): string | null {
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return null;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    const account = this.opts.accounts.find(
      (a) => a.user === decoded.slice(0, i) && a.password === decoded.slice(i + 1),
    );
    return account?.user ?? null;
  }

  private ok(body: Record<string, unknown>): Reply {
    const payload = this.dialect === 'seed' ? { status: 'ok', ...body } : body;
    return { status: 200, body: serialize(payload), contentType: 'application/json; charset=utf-8' };
  }

  private fail(message: string, httpStatus: number): Reply {
    return this.dialect === 'seed'
      ? { status: httpStatus === 401 ? 401 : 200, body: { status: 'failed', message } }
      : { status: httpStatus, body: { message } };
  }

  private idOut(id: string): unknown {
    return this.dialect === 'seed' ? id : new RawNumber(id);
  }

  private stateOf(o: StoredOrder): OrderState {
    if (o.state === 'pending' && o.approveAt !== undefined && this.now() >= o.approveAt) {
      o.state = 'running';
      o.approveAt = undefined;
    }
    return o.state;
  }

  async handle(req: RecordedRequest): Promise<Reply> {
    if (req.method === 'GET' && this.readHoldMs > 0) {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        await sleep(this.readHoldMs);
      } finally {
        this.inFlight--;
      }
    }
    const m = ROUTE.exec(req.path);
    if (!m) return this.fail('Not Found', 404);
    const user = this.user(req);
    if (!user) {
      const reply = this.fail('Unauthorized', 401);
      return { ...reply, headers: { 'www-authenticate': 'Basic realm="Solmate API"' } };
    }
    const id = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
    try {
      const action = actionOf(req);
      const refusal = this.refusals.findIndex((r) => r.action === action);
      if (refusal >= 0) {
        const [r] = this.refusals.splice(refusal, 1);
        throw new Refused(r!.message, 400);
      }
      if (id === undefined) {
        if (action === 'createOrder') return this.create(user, req.body);
        return this.fail('Not Found', 404);
      }
      switch (action) {
        case 'getOrder':
          return this.view(this.find(user, id, 'AD ID is not found'));
        case 'getStatus':
          return this.status(this.find(user, id, 'Wrong AD id'));
        case 'updateOrder':
          return this.update(this.find(user, id), req.body);
        case 'pauseOrder':
        case 'resumeOrder':
          return this.changeStatus(this.find(user, id), action === 'pauseOrder' ? 'pause' : 'resume');
        case 'setStatus':
          this.find(user, id);
          throw new Refused('action should be pause or resume', 400);
        case 'deleteOrder':
          this.orders.delete(this.find(user, id).id);
          return this.dialect === 'seed' ? this.ok({}) : this.ok({ id: this.idOut(id) });
        default:
          return this.fail('Not Found', 404);
      }
    } catch (err) {
      if (err instanceof Refused) return this.fail(err.message, err.httpStatus);
      throw err;
    }
  }

  private find(user: string, id: string, laterMessage?: string): StoredOrder {
    const o = this.orders.get(id);
    if (!o || o.owner !== user) {
      throw new Refused(this.dialect === 'later' && laterMessage ? laterMessage : 'ID is not found', 404);
    }
    return o;
  }

  private body(raw: unknown): Record<string, unknown> {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw new Refused('body should be a JSON object', 400);
    return raw as Record<string, unknown>;
  }

  /** The seed's messages: the first rule broken, in the parameter table's order. */
  private check(b: Record<string, unknown>, required: string[]): void {
    const need = (k: string) => {
      if (required.includes(k) && empty(b[k])) throw new Refused(`${k} should not be empty`, 400);
      return !empty(b[k]);
    };
    const upper = (k: string) => String(b[k]).toUpperCase();
    need('title');
    if (need('network') && !NETWORKS.includes(upper('network')))
      throw new Refused(`network should be one of ${NETWORKS.join(', ')}`, 400);
    if (need('model') && !MODELS.includes(upper('model')))
      throw new Refused(`model should be one of ${MODELS.join(', ')}`, 400);
    for (const k of ['total_budget', 'daily_budget']) {
      if (need(k) && !isPositiveNumber(b[k])) throw new Refused(`${k} must larger than 0`, 400);
    }
    if (!empty(b.total_budget) && !empty(b.daily_budget) && Number(b.daily_budget) > Number(b.total_budget))
      throw new Refused('daily_budget should not larger than total_budget', 400);
    for (const k of ['material_url', 'click_url']) {
      if (need(k) && !isUrl(b[k])) throw new Refused(`${k} should be a url`, 400);
    }
    if (b.display_time !== undefined && !/^[1-9]\d*$/.test(String(b.display_time)))
      throw new Refused('display_time must be a positive integer', 400);
    if (b.gender !== undefined && !GENDERS.includes(String(b.gender ?? '').toUpperCase()))
      throw new Refused('gender should be MALE, FEMALE or empty', 400);
    const ds = b.districts ?? b.district;
    if (ds !== undefined) {
      if (!Array.isArray(ds)) throw new Refused('districts should be an array', 400);
      const bad = ds.find((d) => !(SOLMATE_DISTRICTS as readonly unknown[]).includes(d));
      if (bad !== undefined) throw new Refused(`districts has an unknown district: ${String(bad)}`, 400);
    }
  }

  private create(user: string, raw: unknown): Reply {
    const b = this.body(raw);
    this.check(b, ['title', 'network', 'model', 'total_budget', 'daily_budget', 'material_url', 'click_url']);
    const id = String(this.nextId++);
    this.orders.set(id, {
      id,
      owner: user,
      title: String(b.title),
      network: String(b.network).toUpperCase(),
      model: String(b.model).toUpperCase(),
      totalBudget: String(b.total_budget).trim(),
      dailyBudget: String(b.daily_budget).trim(),
      materialUrl: String(b.material_url),
      clickUrl: String(b.click_url),
      displayTime: b.display_time === undefined ? 30 : Number(b.display_time),
      gender: String(b.gender ?? '').toUpperCase(),
      districts: ((b.districts ?? b.district ?? []) as string[]).slice(),
      state: 'pending',
      approveAt: this.now() + this.reviewMs,
    });
    return this.ok({ id: this.idOut(id) });
  }

  private update(o: StoredOrder, raw: unknown): Reply {
    const b = this.body(raw);
    this.check(b, ['total_budget', 'daily_budget', 'material_url', 'click_url']);
    o.totalBudget = String(b.total_budget).trim();
    o.dailyBudget = String(b.daily_budget).trim();
    o.materialUrl = String(b.material_url);
    o.clickUrl = String(b.click_url);
    if (!empty(b.model)) o.model = String(b.model).toUpperCase();
    if (b.display_time !== undefined) o.displayTime = Number(b.display_time);
    if (b.gender !== undefined) o.gender = String(b.gender ?? '').toUpperCase();
    const ds = b.districts ?? b.district;
    if (ds !== undefined) o.districts = (ds as string[]).slice();
    return this.ok({ id: this.idOut(o.id) });
  }

  private changeStatus(o: StoredOrder, action: 'pause' | 'resume'): Reply {
    const state = this.stateOf(o);
    const pausable: OrderState[] = ['pending', 'running', 'waiting', 'limit by budget'];
    if (action === 'pause' ? !pausable.includes(state) : state !== 'stop') {
      throw new Refused("status can't be changed", 400);
    }
    o.state = action === 'pause' ? 'stop' : 'running';
    o.approveAt = undefined;
    o.statusMessage = undefined;
    return this.dialect === 'seed' ? this.ok({}) : this.ok({ id: this.idOut(o.id) });
  }

  private view(o: StoredOrder): Reply {
    const later = this.dialect === 'later';
    const text = (s: string) => (later ? s.toLowerCase() : s);
    return this.ok({
      id: this.idOut(o.id),
      title: o.title,
      network: text(o.network),
      model: text(o.model),
      total_budget: later ? new RawNumber(o.totalBudget) : o.totalBudget,
      daily_budget: later ? new RawNumber(o.dailyBudget) : o.dailyBudget,
      material_url: o.materialUrl,
      click_url: o.clickUrl,
      display_time: later ? o.displayTime : String(o.displayTime),
      gender: text(o.gender),
      districts: o.districts,
    });
  }

  private status(o: StoredOrder): Reply {
    const body: Record<string, unknown> = { status: this.stateOf(o) };
    if (o.statusMessage) body.message = o.statusMessage;
    return { status: 200, body };
  }
}
