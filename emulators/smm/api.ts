import { Decimal } from 'decimal.js';
import { Emulator, json, type Reply, type RecordedRequest } from '../shared/emulator.ts';

/**
 * Ways real panels differ from the common shape (see reference/smm-panel-v2.md). A panel
 * emulated here speaks the standard dialect plus whichever of these it is given.
 */
export type Quirk =
  | 'jsonOnly' // refuses form bodies: takes application/json (or a query string) only
  | 'numbers' // money and counts as JSON numbers instead of strings
  | 'startCounter' // `start_counter` instead of `start_count`
  | 'lowercaseStatus' // `processing`, `completed`, ...
  | 'omitUnknown' // multi-status leaves unknown ids out of the object
  | 'bareStringErrors' // multi-status per-id error as a bare string
  | 'topLevelErrorWhenAllBad' // multi-status with no known id answers `{"error": ...}`
  | 'orderAsString' // add answers `{"status":"success","order":"99999"}`
  | 'httpStatusErrors' // 401 bad key, 402 funds, 404 unknown ids, 400 bad request
  | 'codeErrors' // `neworder.error.not_enough_funds` style error texts
  | 'noContentType'; // answers without a Content-Type header

export interface PanelService {
  service: number;
  name: string;
  type: string;
  category: string;
  rate: string;
  min: number;
  max: number;
  refill: boolean;
  cancel: boolean;
  dripfeed?: boolean;
  desc?: string;
}

export interface PanelConfig {
  id: string;
  key: string;
  currency: string;
  balance: string;
  /** decimals of a charge (the panel rounds each order's charge to this) */
  chargeScale: number;
  firstOrderId: number;
  services: PanelService[];
  quirks: Quirk[];
  /** requests per minute per key before 429 (0: no limit) */
  rateLimitPerMinute?: number;
  /** orders that exist from the start (and after every reset), charged nothing */
  seedOrders?: Array<{ service: number; quantity: number; ageMs: number }>;
}

interface Order {
  id: number;
  service: PanelService;
  quantity: number;
  charge: Decimal;
  createdAt: number;
  startCount: number;
  canceledAt?: number;
  link?: string;
}

interface Refill {
  id: number;
  orderId: number;
  createdAt: number;
}

/** Lines of a multi-line parameter (comments, usernames, ...). */
const lines = (v: string | undefined) => (v ?? '').split(/\r?\n/).filter((s) => s.trim() !== '');

/** One reseller panel: its services, account, orders and refills, progressing over time. */
export class Panel {
  balance!: Decimal;
  orders = new Map<number, Order>();
  refills = new Map<number, Refill>();
  private nextOrder!: number;
  private nextRefill!: number;
  private window: { start: number; count: number } = { start: 0, count: 0 };

  constructor(
    readonly config: PanelConfig,
    /** how long each stage of an order (Pending, In progress) lasts */
    public stageMs = 2000,
    /** the panel's clock: tests move it to see an order progress instead of waiting for it */
    private readonly now: () => number = Date.now,
  ) {
    this.reset();
  }

  reset(): void {
    this.balance = new Decimal(this.config.balance);
    this.orders.clear();
    this.refills.clear();
    this.nextOrder = this.config.firstOrderId;
    this.nextRefill = 1;
    this.window = { start: 0, count: 0 };
    for (const o of this.config.seedOrders ?? []) this.seedOrder(o.service, o.quantity, o.ageMs);
  }

  private has(q: Quirk) {
    return this.config.quirks.includes(q);
  }

  private num(v: Decimal | number): string | number {
    return this.has('numbers') ? Number(v.toString()) : v.toString();
  }

  private reply(status: number, body: unknown): Reply {
    return { ...json(status, body), contentType: this.has('noContentType') ? false : undefined };
  }

  private error(message: string, code: string, httpStatus: number): Reply {
    const text = this.has('codeErrors') ? code : message;
    return this.reply(this.has('httpStatusErrors') ? httpStatus : 200, { error: text });
  }

  /** Seeds an order directly (tests and the demo data), charging nothing. */
  seedOrder(serviceId: number, quantity: number, ageMs = 0): number {
    const service = this.config.services.find((s) => s.service === serviceId);
    if (!service) throw new Error(`no service ${serviceId}`);
    const id = this.nextOrder++;
    this.orders.set(id, {
      id,
      service,
      quantity,
      charge: this.chargeOf(service, quantity),
      createdAt: this.now() - ageMs,
      startCount: 1000 + (id % 5000),
    });
    return id;
  }

  private chargeOf(service: PanelService, quantity: number): Decimal {
    return new Decimal(service.rate).mul(quantity).div(1000).toDecimalPlaces(this.config.chargeScale);
  }

  handle(req: RecordedRequest, params: Record<string, string>): Reply {
    if (
      this.has('jsonOnly') &&
      req.method === 'POST' &&
      !(req.headers['content-type'] ?? '').includes('json')
    ) {
      return this.error('Incorrect request', 'error.incorrect_request', 400);
    }
    if (params.key !== this.config.key) return this.error('Invalid API key', 'error.invalid_key', 401);
    if (this.config.rateLimitPerMinute) {
      const now = this.now();
      if (now - this.window.start > 60_000) this.window = { start: now, count: 0 };
      if (++this.window.count > this.config.rateLimitPerMinute) {
        return this.reply(429, { error: 'Rate limit exceeded' });
      }
    }
    switch (params.action) {
      case 'services':
        return this.reply(200, this.services());
      case 'balance':
        return this.reply(200, { balance: this.num(this.balance), currency: this.config.currency });
      case 'add':
        return this.add(params);
      case 'status':
        return params.orders !== undefined
          ? this.multiStatus(params.orders)
          : this.singleStatus(params.order);
      case 'refill':
        return params.orders !== undefined
          ? this.multiRefill(params.orders)
          : this.singleRefill(params.order);
      case 'refill_status':
        return params.refills !== undefined
          ? this.multiRefillStatus(params.refills)
          : this.singleRefillStatus(params.refill);
      case 'cancel':
        return this.cancel(params.orders ?? params.order ?? '');
      default:
        return this.error('Incorrect request', 'error.incorrect_request', 400);
    }
  }

  private services() {
    return this.config.services.map((s) => ({
      ...s,
      type: this.has('lowercaseStatus') ? s.type.toLowerCase().replace(/\s+/g, '_') : s.type,
      rate: this.has('numbers') ? Number(s.rate) : s.rate,
      min: this.has('numbers') ? s.min : String(s.min),
      max: this.has('numbers') ? s.max : String(s.max),
    }));
  }

  private add(p: Record<string, string>): Reply {
    const service = this.config.services.find((s) => String(s.service) === p.service);
    if (!service) return this.error('Incorrect service ID', 'error.incorrect_service_id', 400);
    const type = service.type.toLowerCase().replace(/[\s_]+/g, ' ');
    if (type !== 'subscriptions' && !p.link)
      return this.error('Incorrect request', 'error.incorrect_request', 400);
    let quantity: number;
    if (type.startsWith('custom comments')) quantity = lines(p.comments).length;
    else if (type === 'mentions custom list') quantity = lines(p.usernames).length;
    else if (type === 'package' || type === 'comment replies') quantity = service.min;
    else if (type === 'subscriptions') quantity = Number(p.max ?? 0);
    else quantity = Number(p.quantity ?? 0);
    if (!Number.isInteger(quantity) || quantity < service.min) {
      return this.error(`Quantity less than minimal ${service.min}`, 'neworder.error.min_quantity', 400);
    }
    if (quantity > service.max) {
      return this.error(`Quantity more than maximal ${service.max}`, 'neworder.error.max_quantity', 400);
    }
    const charge = this.chargeOf(service, quantity);
    if (charge.gt(this.balance))
      return this.error('Not enough funds on balance', 'neworder.error.not_enough_funds', 402);
    this.balance = this.balance.minus(charge);
    const id = this.nextOrder++;
    this.orders.set(id, {
      id,
      service,
      quantity,
      charge,
      createdAt: this.now(),
      startCount: 1000 + (id % 5000),
      link: p.link,
    });
    return this.has('orderAsString')
      ? this.reply(200, { status: 'success', order: String(id) })
      : this.reply(200, { order: id });
  }

  /** Where an order stands now: Pending, then In progress, then Completed (or Partial). */
  orderView(o: Order): Record<string, unknown> {
    const age = this.now() - o.createdAt;
    const subscription = /subscriptions/i.test(o.service.type);
    let status: string;
    let remains: number;
    if (o.canceledAt !== undefined) {
      status = 'Canceled';
      remains = o.quantity;
    } else if (age < this.stageMs) {
      status = subscription ? 'Active' : 'Pending';
      remains = o.quantity;
    } else if (age < 2 * this.stageMs || subscription) {
      status = subscription ? 'Active' : 'In progress';
      remains = Math.ceil(o.quantity / 2);
    } else if (o.id % 5 === 0) {
      status = 'Partial';
      remains = Math.max(1, Math.floor(o.quantity / 10));
    } else {
      status = 'Completed';
      remains = 0;
    }
    const view: Record<string, unknown> = {
      charge: this.num(o.charge),
      [this.has('startCounter') ? 'start_counter' : 'start_count']: this.has('numbers')
        ? o.startCount
        : String(o.startCount),
      status: this.has('lowercaseStatus') ? status.toLowerCase() : status,
      remains: this.has('numbers') ? remains : String(remains),
      currency: this.config.currency,
    };
    return view;
  }

  private singleStatus(id: string | undefined): Reply {
    const o = this.orders.get(Number(id));
    if (!o || !/^\d+$/.test(id ?? ''))
      return this.error('Incorrect order ID', 'error.incorrect_order_id', 404);
    return this.reply(200, this.orderView(o));
  }

  private multiStatus(list: string): Reply {
    const ids = list.split(',');
    if (ids.length > 100) return this.error('Too many IDs: maximum 100', 'error.too_many_ids', 400);
    const out: Record<string, unknown> = {};
    let known = 0;
    for (const id of ids) {
      const o = /^\d+$/.test(id) ? this.orders.get(Number(id)) : undefined;
      if (o) {
        known++;
        out[id] = this.orderView(o);
      } else if (!this.has('omitUnknown')) {
        out[id] = this.has('bareStringErrors') ? 'Incorrect order ID' : { error: 'Incorrect order ID' };
      }
    }
    if (known === 0 && this.has('topLevelErrorWhenAllBad')) {
      return this.error('Incorrect order ID', 'error.incorrect_order_id', 404);
    }
    return this.reply(200, out);
  }

  private refillOne(idText: string): { refill: number } | { error: string } {
    const o = /^\d+$/.test(idText) ? this.orders.get(Number(idText)) : undefined;
    if (!o) return { error: 'Incorrect order ID' };
    if (!o.service.refill) return { error: 'Refill is disabled for this service' };
    const id = this.nextRefill++;
    this.refills.set(id, { id, orderId: o.id, createdAt: this.now() });
    return { refill: id };
  }

  private singleRefill(id: string | undefined): Reply {
    const r = this.refillOne(id ?? '');
    if ('error' in r) return this.error(r.error, 'error.refill', 400);
    return this.reply(200, { refill: String(r.refill) });
  }

  private multiRefill(list: string): Reply {
    const ids = list.split(',');
    if (ids.length > 100) return this.error('Too many IDs: maximum 100', 'error.too_many_ids', 400);
    return this.reply(
      200,
      ids.map((id) => {
        const r = this.refillOne(id);
        return {
          order: this.has('numbers') ? Number(id) : id,
          refill: 'error' in r ? { error: r.error } : r.refill,
        };
      }),
    );
  }

  private refillView(r: Refill): string {
    const age = this.now() - r.createdAt;
    const status = age < this.stageMs ? 'Pending' : age < 2 * this.stageMs ? 'In progress' : 'Completed';
    return this.has('lowercaseStatus') ? status.toLowerCase() : status;
  }

  private singleRefillStatus(id: string | undefined): Reply {
    const r = this.refills.get(Number(id));
    if (!r || !/^\d+$/.test(id ?? '')) return this.error('Refill not found', 'error.refill_not_found', 404);
    return this.reply(200, { status: this.refillView(r) });
  }

  private multiRefillStatus(list: string): Reply {
    const ids = list.split(',');
    if (ids.length > 100) return this.error('Too many IDs: maximum 100', 'error.too_many_ids', 400);
    return this.reply(
      200,
      ids.map((id) => {
        const r = /^\d+$/.test(id) ? this.refills.get(Number(id)) : undefined;
        return {
          refill: this.has('numbers') ? Number(id) : id,
          status: r ? this.refillView(r) : { error: 'Refill not found' },
        };
      }),
    );
  }

  private cancel(list: string): Reply {
    const ids = list.split(',');
    if (ids.length > 100) return this.error('Too many IDs: maximum 100', 'error.too_many_ids', 400);
    return this.reply(
      200,
      ids.map((id) => {
        const o = /^\d+$/.test(id) ? this.orders.get(Number(id)) : undefined;
        let cancel: number | { error: string };
        if (!o) cancel = { error: 'Incorrect order ID' };
        else if (!o.service.cancel) cancel = { error: 'Cancel is disabled for this service' };
        else if (o.canceledAt !== undefined || this.now() - o.createdAt >= 2 * this.stageMs) {
          cancel = { error: 'This order cannot be canceled' };
        } else {
          o.canceledAt = this.now();
          this.balance = this.balance.plus(o.charge);
          cancel = 1;
        }
        return { order: this.has('numbers') ? Number(id) : id, cancel };
      }),
    );
  }
}

/** Routes `/<panel id>/api/v2` to that panel; the action comes from the body or the query string. */
export function createSmmEmulator(
  panels: PanelConfig[],
  opts: { stageMs?: number; latencyMs?: number; now?: () => number } = {},
) {
  const byId = new Map(panels.map((c) => [c.id, new Panel(c, opts.stageMs, opts.now)]));
  const paramsOf = (req: RecordedRequest): Record<string, string> => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const merged: Record<string, string> = { ...req.query };
    for (const [k, v] of Object.entries(body)) merged[k] = typeof v === 'string' ? v : JSON.stringify(v);
    return merged;
  };
  const panelOf = (path: string) => byId.get(path.split('/')[1] ?? '');
  const emulator = new Emulator(
    {
      name: 'smm',
      latencyMs: opts.latencyMs,
      actionOf: (req) => `${req.path.split('/')[1] ?? ''}/${paramsOf(req).action ?? ''}`,
      rateLimitBody: { error: 'Rate limit exceeded' },
      wrongShapeBody: { data: { unexpected: true } },
    },
    (req) => {
      const panel = panelOf(req.path);
      if (!panel || !/^\/[^/]+\/api\/v2\/?$/.test(req.path)) return json(404, { error: 'Not found' });
      return panel.handle(req, paramsOf(req));
    },
    () => byId.forEach((p) => p.reset()),
  );
  return Object.assign(emulator, { panels: byId });
}
export type SmmEmulator = ReturnType<typeof createSmmEmulator>;
