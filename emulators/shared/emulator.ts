import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The faults a test (or the bench) can switch on. Each applies to the next matching requests
 * (`times`, default: until cleared) whose route or action contains `match` (default: all).
 */
export type FaultKind =
  | 'latency' // wait `ms` (or until `hold` settles), then answer normally
  | 'status' // answer HTTP `status` (default 503) with a plain-text body
  | 'hang' // never answer (until the emulator closes)
  | 'reset' // destroy the connection without answering
  | 'slowBody' // send headers, then the body one byte every `ms`
  | 'malformed' // 200 with a truncated JSON body
  | 'html' // an HTML page (CDN challenge or maintenance) with `status` (default 200)
  | 'rateLimit' // 429 with the API's own rate-limit body
  | 'wrongShape' // 200 with valid JSON of the wrong shape
  // the write is carried out (the handler runs and its state changes), then the answer fails:
  // a PHP panel that crashes after its INSERT, a proxy that drops the reply
  | 'commitThenStatus' // then HTTP `status` (default 500)
  | 'commitThenReset' // then the connection is destroyed
  | 'commitThenHang'; // then nothing is answered (until the emulator closes)

export interface Fault {
  kind: FaultKind;
  ms?: number;
  status?: number;
  times?: number;
  match?: string;
  /** let this many matching requests through untouched first (the second chunk of a call fails) */
  skip?: number;
  /**
   * In-process only. commitThen* faults: fail the answer only once this settles, so a test can
   * act while the write is made and its caller is still waiting. latency: answer only once this
   * settles, so a test holds a call in flight for as long as it needs, without a timer.
   */
  hold?: Promise<unknown>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** JSON body, form fields, or undefined */
  body: unknown;
  raw: string;
  /** what the emulator calls this request (SMM: the `action`; REST APIs: `METHOD /route`) */
  action: string;
  at: number;
  /** the API has handled it (its state change made), whatever a fault then does to the answer */
  handled?: boolean;
}

export interface Reply {
  status: number;
  /** serialised as JSON unless it is a string; undefined sends no body */
  body?: unknown;
  headers?: Record<string, string>;
  /** false: send no Content-Type at all (some panels do that) */
  contentType?: string | false;
}

export interface EmulatorOptions {
  name: string;
  /** base latency of every answer, in ms (EMULATOR_LATENCY_MS by default) */
  latencyMs?: number;
  /** names a request for recording and fault matching */
  actionOf?: (req: RecordedRequest) => string;
  /** the API's own body for a rate-limit answer */
  rateLimitBody?: unknown;
  /** the API's own body for wrongShape */
  wrongShapeBody?: unknown;
}

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

const MAX_RECORDED = 20_000;

/**
 * How a credential appears in the record of requests (in-process and /__emulator/requests):
 * the first 12 hex digits of its SHA-256. The record ends up in test output, CI logs and bug
 * reports, so it must not carry a key; a test still tells which credential was sent by
 * comparing with maskSecret(<the credential it expects>). A fingerprint rather than the last
 * characters: it shows nothing of the key itself and tells apart keys that share an ending.
 * (A weak password could still be guessed against it; the emulators only ever see demo and
 * test credentials.)
 */
export const maskSecret = (secret: string): string =>
  secret === '' ? '' : `[masked:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}]`;

/** An Authorization value as recorded: the scheme stays readable, the credential is masked. */
export function maskAuthorization(value: string): string {
  const m = /^(Basic|Bearer|Token)(\s+)(.*)$/is.exec(value);
  return m ? `${m[1]}${m[2]}${maskSecret(m[3]!)}` : maskSecret(value);
}

/** Headers that carry a credential (Solmate's Basic, SolSub's api-key, Likenama's raw token). */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'api-key', 'x-api-key', 'cookie']);
/** Body and query fields that carry one (the SMM panels' `key`, an Instagram access token). */
const SECRET_PARAMS = new Set([
  'key',
  'api_key',
  'apikey',
  'token',
  'password',
  'access_token',
  'instagram_access_token',
]);
/**
 * Shorter credentials are masked only in their own field: replacing every "ab" in a body would
 * mangle it. Real and demo credentials are far longer.
 */
const MIN_REPLACED = 4;

/** A copy of a request with every credential masked, in its own field and wherever else it appears. */
export function maskRequest(req: RecordedRequest): RecordedRequest {
  const secrets = new Set<string>();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (!SECRET_HEADERS.has(k) || v === '') continue;
    secrets.add(v);
    const scheme = /^(?:Basic|Bearer|Token)\s+(.+)$/is.exec(v);
    if (scheme) secrets.add(scheme[1]!);
  }
  const collect = (v: unknown, key?: string): void => {
    if (typeof v === 'string' && key !== undefined && SECRET_PARAMS.has(key.toLowerCase()) && v !== '')
      secrets.add(v);
    else if (Array.isArray(v)) v.forEach((x) => collect(x));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, k);
  };
  collect(req.query);
  collect(req.body);
  // longest first, so a token is not half-replaced by a shorter secret inside it
  const ordered = [...secrets].filter((x) => x.length >= MIN_REPLACED).sort((a, b) => b.length - a.length);
  const spellings = ordered.flatMap((x) => {
    const forms = new Set([x, encodeURIComponent(x), new URLSearchParams({ k: x }).toString().slice(2)]);
    forms.add(JSON.stringify(x).slice(1, -1));
    return [...forms].map((form) => [form, maskSecret(x)] as const);
  });
  const scrub = (text: string): string =>
    spellings.reduce((t, [form, masked]) => (t.includes(form) ? t.split(form).join(masked) : t), text);
  const mask = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      return key !== undefined && SECRET_PARAMS.has(key.toLowerCase()) ? maskSecret(v) : scrub(v);
    }
    if (Array.isArray(v)) return v.map((x) => mask(x));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x, k)]));
    return v;
  };
  for (const [k, v] of Object.entries(req.headers)) {
    headers[k] = SECRET_HEADERS.has(k) ? (k === 'cookie' ? maskSecret(v) : maskAuthorization(v)) : scrub(v);
  }
  return {
    ...req,
    path: scrub(req.path),
    query: mask(req.query) as Record<string, string>,
    headers,
    body: mask(req.body),
    raw: scrub(req.raw),
  };
}

/**
 * A real HTTP server on loopback that answers like one upstream API, records every request
 * and can be told to misbehave. Tests drive it in-process; other processes use /__emulator/.
 */
export class Emulator {
  readonly requests: RecordedRequest[] = [];
  /** requests received since the log was last cleared (the log itself keeps only the latest) */
  received = 0;
  /** requests whose handling (faults included) has not finished: see idle() */
  private readonly inflight = new Set<Promise<void>>();
  /** waiters of whenHandled() */
  private readonly handledWaiters = new Set<() => void>();
  private faults: Fault[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  latencyMs: number;
  url = '';

  constructor(
    private readonly opts: EmulatorOptions,
    private readonly handler: Handler,
    /** restores the emulator's initial data */
    private readonly resetState: () => void = () => {},
  ) {
    this.latencyMs = opts.latencyMs ?? Number(process.env.EMULATOR_LATENCY_MS ?? 0);
  }

  get name() {
    return this.opts.name;
  }

  setFault(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  clearRequests(): void {
    this.requests.length = 0;
    this.received = 0;
  }

  /** Forgets requests and faults and restores the initial data. */
  reset(): void {
    this.clearFaults();
    this.clearRequests();
    this.resetState();
  }

  /** Recorded requests whose action is `action` (all when omitted). */
  calls(action?: string): RecordedRequest[] {
    return action === undefined ? [...this.requests] : this.requests.filter((r) => r.action === action);
  }

  /**
   * Resolves once every request received so far has been handled (its state change made, its
   * answer sent or its fault applied): what a test waits on instead of sleeping.
   */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /**
   * Resolves once `count` requests named `action` have been handled (the write made), even when
   * a commitThen* fault then holds, fails or drops the answer: what a test waits on instead of
   * sleeping. Counts the requests since the log was last cleared.
   */
  whenHandled(action: string, count = 1): Promise<void> {
    const done = () => this.requests.filter((r) => r.action === action && r.handled).length >= count;
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        this.handledWaiters.delete(check);
        resolve();
      };
      this.handledWaiters.add(check);
    });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      const handled = this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`emulator error: ${(err as Error).message}`);
        } else res.destroy();
      });
      this.inflight.add(handled);
      void handled.finally(() => this.inflight.delete(handled));
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    this.url = `http://${host}:${addr.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private takeFault(action: string): Fault | undefined {
    const i = this.faults.findIndex((f) => !f.match || action.includes(f.match));
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    if (f.skip) {
      f.skip -= 1;
      return undefined;
    }
    if (f.times !== undefined) {
      f.times -= 1;
      if (f.times <= 0) this.faults.splice(i, 1);
    }
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname.startsWith('/__emulator/')) return this.control(req.method ?? 'GET', url, raw, res);

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: parseBody(raw, headers['content-type'] ?? ''),
      raw,
      action: '',
      at: Date.now(),
    };
    recorded.action = this.opts.actionOf?.(recorded) ?? `${recorded.method} ${recorded.path}`;
    this.received++;
    // the API reads the credentials as sent; the record keeps them masked
    const kept = maskRequest(recorded);
    // drop the older half at once: shifting one entry per request copies the whole log each time
    if (this.requests.length >= MAX_RECORDED) this.requests.splice(0, MAX_RECORDED / 2);
    this.requests.push(kept);

    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const fault = this.takeFault(recorded.action);
    if (fault && (await this.applyFault(fault, req, res))) return;

    const reply = await this.handler(recorded);
    kept.handled = true;
    for (const check of [...this.handledWaiters]) check();
    if (fault?.hold && fault.kind.startsWith('commitThen')) await fault.hold;
    if (fault?.kind === 'commitThenStatus') {
      return send(res, {
        status: fault.status ?? 500,
        body: 'Internal Server Error',
        contentType: 'text/plain',
      });
    }
    if (fault?.kind === 'commitThenReset') return void req.socket.destroy();
    if (fault?.kind === 'commitThenHang') return;
    send(res, reply);
  }

  /** Returns true when the fault answered (or killed) the request itself. */
  private async applyFault(f: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    switch (f.kind) {
      case 'latency':
        await (f.hold ?? sleep(f.ms ?? 1000));
        return false;
      case 'status':
        send(res, {
          status: f.status ?? 503,
          body: 'Service Temporarily Unavailable',
          contentType: 'text/plain',
        });
        return true;
      case 'hang':
        // keep the socket open with nothing sent; close() destroys it
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'slowBody': {
        const body = '{"slow": "' + 'x'.repeat(64) + '"}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        for (const ch of body) {
          if (res.destroyed) return true;
          res.write(ch);
          await sleep(f.ms ?? 200);
        }
        res.end();
        return true;
      }
      case 'malformed':
        send(res, { status: 200, body: '{"order": 1, "status": "Comp', contentType: 'application/json' });
        return true;
      case 'html':
        send(res, {
          status: f.status ?? 200,
          body: '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser before accessing.</body></html>',
          contentType: 'text/html; charset=UTF-8',
        });
        return true;
      case 'rateLimit':
        send(res, {
          status: 429,
          body: this.opts.rateLimitBody ?? { error: 'Rate limit exceeded' },
          headers: { 'retry-after': '60' },
        });
        return true;
      case 'wrongShape':
        send(res, { status: 200, body: this.opts.wrongShapeBody ?? { unexpected: ['shape'] } });
        return true;
      case 'commitThenStatus':
      case 'commitThenReset':
      case 'commitThenHang':
        // answered after the handler has done the work
        return false;
    }
  }

  private control(method: string, url: URL, raw: string, res: ServerResponse): void {
    const path = url.pathname;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const ok = (payload: unknown = { ok: true }) => send(res, { status: 200, body: payload });
    if (path === '/__emulator/requests' && method === 'GET') return ok(this.requests);
    // answers once `count` (default 1) requests named `action` were handled: a long poll for
    // tests in another process, instead of sleeping
    if (path === '/__emulator/handled' && method === 'GET') {
      const action = url.searchParams.get('action') ?? '';
      void this.whenHandled(action, Number(url.searchParams.get('count') ?? 1)).then(() => ok());
      return;
    }
    if (path === '/__emulator/requests' && method === 'DELETE') return (this.clearRequests(), ok());
    if (path === '/__emulator/faults' && method === 'POST')
      return (this.setFault(body as unknown as Fault), ok());
    if (path === '/__emulator/faults' && method === 'DELETE') return (this.clearFaults(), ok());
    if (path === '/__emulator/latency' && method === 'POST')
      return ((this.latencyMs = Number(body.ms ?? 0)), ok());
    if (path === '/__emulator/reset' && method === 'POST') return (this.reset(), ok());
    send(res, { status: 404, body: { error: 'unknown emulator control' } });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string): unknown {
  if (!raw) return undefined;
  if (contentType.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...reply.headers };
  let payload = '';
  if (reply.body !== undefined) {
    payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    if (reply.contentType !== false)
      headers['content-type'] = reply.contentType ?? 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** Reply helpers for handlers. */
export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  headers,
});
export const empty = (status: number): Reply => ({ status });
