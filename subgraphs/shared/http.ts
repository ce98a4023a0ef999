import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, errors as undiciErrors } from 'undici';
import {
  breakerFor,
  CircuitOpenError,
  UpstreamBreaker,
  resetBreakers,
  type BreakerSettings,
} from './breaker.ts';
import { ErrorCode, LayerError, outcomeUnknownText, type UpstreamApi, type UpstreamInfo } from './errors.ts';
import { logger } from '../../lib/logger.ts';
import { upstreamCalls, upstreamDuration, upstreamReadsShared } from '../../lib/metrics.ts';
import { callSignal, RequestEnded } from '../../lib/deadline.ts';
import { currentDeadline } from '../../lib/request-context.ts';
import { tracedSharedWait, tracedUpstreamCall } from '../../lib/tracing.ts';
import { shareRead, type CallBudget } from './inflight.ts';
import { parseExactJson } from './exact-json.ts';

export type CallKind = 'read' | 'write';

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** path below the base URL; build it with `pathSegment` for anything that came from a caller */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  /** `read` may retry; a `write` never does, and a failure after sending it is OUTCOME_UNKNOWN */
  kind: CallKind;
  /** name of the upstream action, for errors, logs and metrics */
  action: string;
}

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface HttpOptions {
  api: UpstreamApi;
  baseUrl: string;
  /** which SMM provider this client speaks to (shown in errors, never the key) */
  provider?: string;
  /** deadline of one attempt: connect + headers + body */
  timeoutMs: number;
  /** extra attempts for reads */
  retries: number;
  retryBaseMs: number;
  /** concurrent connections per upstream origin (requests beyond it queue) */
  connections: number;
  maxBodyBytes?: number;
  /** credential values this client sends: scrubbed from any upstream text it passes on */
  secrets?: string[];
  /** how messages name this upstream ("Solmate", "SMM provider sosyal"); the api when omitted */
  label?: string;
  /** circuit breaker of this upstream; the process settings (BREAKER_* env) when omitted */
  breaker?: BreakerSettings;
  /**
   * identical reads in flight at once (same upstream, request and credentials) make one call;
   * default true (UPSTREAM_SHARE_READS)
   */
  shareReads?: boolean;
}

export const defaultHttpOptions = {
  timeoutMs: 8_000,
  retries: 2,
  retryBaseMs: 100,
  connections: 32,
  maxBodyBytes: 8 * 1024 * 1024,
  shareReads: true,
} satisfies Partial<HttpOptions>;

// One Pool per origin for the whole process: clients are built per request (credentials
// differ per tenant) but must share keep-alive connections.
const pools = new Map<string, Pool>();

function poolFor(origin: string, opts: HttpOptions): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, {
      connections: opts.connections,
      connectTimeout: Math.min(opts.timeoutMs, 5_000),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
    });
    pools.set(origin, pool);
  }
  return pool;
}

export async function closeAllPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.allSettled(all.map((p) => p.close()));
  resetBreakers();
}

/** Encodes one path segment so a caller's id can never add segments (`../x`, `1/status`). */
export const pathSegment = (s: string) => encodeURIComponent(s);

// Errors raised before any byte of the request could reach upstream: safe to call unavailable
// even for a write, because the write cannot have happened.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/**
 * Least of the request's budget worth starting an attempt with: a read given less cannot come
 * back, and a write sent with less would almost surely end OUTCOME_UNKNOWN, where not sending it
 * leaves the caller a clean "try again".
 */
export const MIN_ATTEMPT_MS = 100;

// Errors that mean the upstream could not be reached or did not answer in time: the only
// failures (with 5xx answers) a circuit breaker counts.
const transportFailures = new WeakSet<Error>();
const isServerError = (r: unknown) =>
  typeof r === 'object' && r !== null && 'status' in r && (r as UpstreamResponse).status >= 500;

const isTimeout = (err: unknown) =>
  err instanceof RequestEnded ||
  err instanceof undiciErrors.HeadersTimeoutError ||
  err instanceof undiciErrors.BodyTimeoutError ||
  err instanceof undiciErrors.ConnectTimeoutError ||
  (err as Error)?.name === 'TimeoutError' ||
  (err as Error)?.name === 'AbortError';

export class UpstreamHttp {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly breaker: UpstreamBreaker | null;
  /**
   * Everything besides the request that shapes a call and its errors: a read is shared only
   * between clients that would send and report it alike (an SMM provider named twice over one
   * panel and key reports under its own name). Null when this client does not share reads.
   */
  private readonly sharing: string | null;

  constructor(readonly opts: HttpOptions) {
    const url = new URL(opts.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = poolFor(url.origin, opts);
    this.sharing =
      (opts.shareReads ?? defaultHttpOptions.shareReads)
        ? JSON.stringify([
            url.origin + this.basePath,
            opts.api,
            opts.provider ?? null,
            opts.label ?? null,
            opts.timeoutMs,
            opts.retries,
            opts.retryBaseMs,
            opts.maxBodyBytes ?? null,
            opts.secrets ?? [],
          ])
        : null;
    const upstream = opts.provider ? `${opts.api}/${opts.provider}` : opts.api;
    this.breaker = breakerFor(
      `${opts.api} ${url.origin}${this.basePath}`,
      (s) => new UpstreamBreaker(upstream, opts.api, s, (e) => transportFailures.has(e), isServerError),
      opts.breaker,
    );
  }

  get label(): string {
    return this.opts.label ?? this.opts.api;
  }

  info(action: string, extra?: Partial<UpstreamInfo>): UpstreamInfo {
    const info = { api: this.opts.api, provider: this.opts.provider, action, ...extra };
    if (info.message !== undefined) info.message = this.scrub(info.message);
    return info;
  }

  /** A short excerpt of an upstream body, scrubbed before it is cut so no part of a credential survives. */
  excerpt(body: string, max = 200): string {
    return excerpt(this.scrub(body), max);
  }

  /**
   * Upstreams echo request data back; a credential must not ride along into a response or log.
   * `extra`: credentials of one call (tokens in its body) besides the client's own.
   */
  scrub(text: string, extra: readonly string[] = []): string {
    let out = text;
    for (const secret of [...(this.opts.secrets ?? []), ...extra]) {
      if (secret.length < 4) continue;
      // echoed back as sent: raw, URL-encoded, form-encoded or inside a JSON string
      const forms = new Set([
        secret,
        encodeURIComponent(secret),
        new URLSearchParams({ k: secret }).toString().slice(2),
        JSON.stringify(secret).slice(1, -1),
      ]);
      for (const form of forms) out = out.split(form).join('[redacted]');
    }
    return out;
  }

  /**
   * Sends one call (reads retried as configured) through the upstream's circuit breaker: while
   * the circuit is open the call fails fast with UPSTREAM_UNAVAILABLE and nothing is sent. A
   * read identical to one already in flight (same upstream, request and credentials) waits for
   * that call's answer instead of sending its own (UPSTREAM_SHARE_READS).
   */
  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const deadline = currentDeadline();
    // a request with too little left goes its own way, to be refused as not sent
    if (
      req.kind !== 'read' ||
      this.sharing === null ||
      (deadline && (deadline.ended || deadline.remaining() < MIN_ATTEMPT_MS))
    ) {
      return this.send(req, deadline, true);
    }
    let joined = false;
    const answer = shareRead(this.exactRequest(req), deadline, {
      // every waiter leaves at its own deadline, so the call itself is cut only when all have
      send: (budget) => this.send(req, budget, false),
      joined: () => {
        joined = true;
        upstreamReadsShared.inc({ api: this.opts.api, action: req.action });
      },
      // the words of a read cut for its caller, without a second "upstream call failed" line:
      // the call itself goes on, or is cut (and logged) once the last waiter has left
      left: (why) =>
        new LayerError(
          ErrorCode.UPSTREAM_UNAVAILABLE,
          `${this.label} was cut off: ${why.message}`,
          this.info(req.action),
        ),
    });
    return joined
      ? tracedSharedWait({ api: this.opts.api, provider: this.opts.provider, action: req.action }, answer)
      : answer;
  }

  /**
   * The request byte for byte as it would be sent: path, query, body and every header, the
   * credential-bearing ones included, after what identifies this client.
   */
  private exactRequest(req: UpstreamRequest): string {
    const headers = Object.entries(req.headers ?? {})
      .map(([k, v]) => [k.toLowerCase(), v])
      .sort(([a], [b]) => (a! < b! ? -1 : 1));
    const qs = req.query ? new URLSearchParams(req.query).toString() : '';
    return `${this.sharing}\n${JSON.stringify([req.method, req.path, qs, req.body ?? null, headers])}`;
  }

  /**
   * `capped`: each attempt gets at most what is left of the budget. A shared read is not capped
   * by the deadline of whichever request started it: its waiters leave at their own deadlines.
   */
  private async send(
    req: UpstreamRequest,
    budget: CallBudget | undefined,
    capped: boolean,
  ): Promise<UpstreamResponse> {
    if (!this.breaker) return this.attempts(req, budget, capped);
    try {
      return await this.breaker.execute(() => this.attempts(req, budget, capped));
    } catch (err) {
      if (!(err instanceof CircuitOpenError)) throw err;
      upstreamCalls.inc({ api: this.opts.api, action: req.action, outcome: 'circuit_open' });
      const s = this.breaker.settings;
      throw new LayerError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `${this.breaker.upstream} is unavailable: the circuit breaker is open after ${s.threshold} ` +
          `consecutive failures, so calls fail fast; one probe call is let through after ${s.halfOpenMs} ms`,
        this.info(req.action),
        { circuit: 'open' },
      );
    }
  }

  private async attempts(
    req: UpstreamRequest,
    deadline: CallBudget | undefined,
    capped: boolean,
  ): Promise<UpstreamResponse> {
    const attempts = req.kind === 'read' ? 1 + this.opts.retries : 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        // full jitter: spreads the retries of many callers instead of synchronising them
        const cap = this.opts.retryBaseMs * 2 ** (attempt - 1);
        const wait = Math.random() * cap;
        // a retry that cannot finish inside the request's budget would only delay the error
        if (deadline && deadline.remaining() < wait + MIN_ATTEMPT_MS) break;
        await sleep(wait);
      }
      const left = deadline ? (deadline.ended ? 0 : deadline.remaining()) : Infinity;
      if (left < MIN_ATTEMPT_MS) {
        if (attempt > 0) break;
        throw this.notSent(req, deadline!);
      }
      const budgetMs = capped ? Math.min(this.opts.timeoutMs, left) : this.opts.timeoutMs;
      // Once sent, a write is waited for even when its caller has left: the idempotency record
      // then holds its real outcome for the retry. Reads stop as soon as nobody wants them.
      const call = callSignal(budgetMs, deadline && req.kind === 'read' ? deadline.signal : undefined);
      try {
        const res = await this.once(req, call.signal).finally(call.release);
        if (req.kind === 'read' && RETRYABLE_STATUS.has(res.status) && attempt < attempts - 1) {
          lastError = res;
          continue;
        }
        return res;
      } catch (err) {
        lastError = this.transportError(req, err, budgetMs, budgetMs < this.opts.timeoutMs);
        if (req.kind === 'write' || err instanceof RequestEnded) throw lastError;
      }
    }
    if (lastError && typeof lastError === 'object' && 'status' in lastError) {
      return lastError as UpstreamResponse;
    }
    // every attempt that ran set lastError (the first one cannot break out before running)
    throw lastError;
  }

  /** The request ended (deadline, caller gone) or has too little left: nothing is sent. */
  private notSent(req: UpstreamRequest, deadline: CallBudget): LayerError {
    const ended = deadline.ended;
    upstreamCalls.inc({
      api: this.opts.api,
      action: req.action,
      outcome: ended?.reason === 'caller_gone' ? 'not_sent_caller_gone' : 'not_sent_deadline',
    });
    const why =
      ended?.message ??
      `less than ${MIN_ATTEMPT_MS} ms was left of the request's deadline of ${deadline.budgetMs} ms`;
    return new LayerError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `${this.label} was not called for ${req.action}: ${why} before it could be sent. Nothing was sent; it is safe to try again.`,
      this.info(req.action),
      { sent: false },
    );
  }

  private async once(req: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse> {
    const qs = req.query ? `?${new URLSearchParams(req.query).toString()}` : '';
    const started = performance.now();
    const labels = { api: this.opts.api, action: req.action };
    try {
      const { api, provider } = this.opts;
      const res = await tracedUpstreamCall({ method: req.method, api, provider, action: req.action }, () =>
        this.sendOnce(req, qs, started, signal),
      );
      upstreamCalls.inc({ ...labels, outcome: `${Math.floor(res.status / 100)}xx` });
      return res;
    } catch (err) {
      upstreamCalls.inc({
        ...labels,
        outcome: err instanceof RequestEnded ? 'cut' : isTimeout(err) ? 'timeout' : 'error',
      });
      throw err;
    } finally {
      upstreamDuration.observe(labels, (performance.now() - started) / 1000);
    }
  }

  private async sendOnce(
    req: UpstreamRequest,
    qs: string,
    started: number,
    signal: AbortSignal,
  ): Promise<UpstreamResponse> {
    const res = await this.pool.request({
      method: req.method,
      path: `${this.basePath}${req.path}${qs}`,
      headers: req.headers,
      body: req.body,
      signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    const max = this.opts.maxBodyBytes ?? defaultHttpOptions.maxBodyBytes;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > max) {
        res.body.destroy();
        throw new LayerError(
          ErrorCode.UPSTREAM_BAD_RESPONSE,
          `${this.opts.api} answered a body larger than ${max} bytes`,
          this.info(req.action, { status: res.statusCode }),
        );
      }
      chunks.push(chunk as Buffer);
    }
    const contentType = String(res.headers['content-type'] ?? '');
    logger.debug(
      {
        api: this.opts.api,
        provider: this.opts.provider,
        action: req.action,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      },
      'upstream call',
    );
    return { status: res.statusCode, contentType, body: Buffer.concat(chunks).toString('utf8') };
  }

  /** `budgetMs`: what the attempt was given; `capped`: less than UPSTREAM_TIMEOUT_MS, by the request's deadline */
  private transportError(req: UpstreamRequest, err: unknown, budgetMs: number, capped: boolean): LayerError {
    if (err instanceof LayerError) return err;
    const code = (err as { code?: string })?.code ?? '';
    const what =
      err instanceof RequestEnded
        ? `was cut off: ${err.message}`
        : isTimeout(err)
          ? capped
            ? `did not answer in the ${budgetMs} ms left of the request's deadline`
            : `timed out after ${budgetMs} ms`
          : 'could not be reached';
    logger.warn(
      {
        api: this.opts.api,
        provider: this.opts.provider,
        action: req.action,
        err: code || (err as Error)?.name,
      },
      'upstream call failed',
    );
    const failure =
      req.kind === 'write' && !NOT_SENT_CODES.has(code)
        ? new LayerError(
            ErrorCode.OUTCOME_UNKNOWN,
            outcomeUnknownText(this.label, req.action, what),
            this.info(req.action),
          )
        : new LayerError(ErrorCode.UPSTREAM_UNAVAILABLE, `${this.label} ${what}`, this.info(req.action));
    // a caller that left, or a budget spent before the call, says nothing about the upstream's health
    if (!(err instanceof RequestEnded) && !capped) transportFailures.add(failure);
    return failure;
  }
}

/**
 * Parses a JSON body without passing numbers through binary floats: every number comes back
 * as its exact source text (a string), so money and large ids stay exact.
 */
export function parseJsonExact(text: string): unknown {
  return parseExactJson(text);
}

/** A short, single-line excerpt of a body for an error message (never headers). */
export function excerpt(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
