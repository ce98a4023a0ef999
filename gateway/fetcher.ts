import { STATUS_CODES } from 'node:http';
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import type { Agent } from 'undici';
import type { CallSignal } from '../lib/deadline.ts';
import { transportError, type InProcessCall, type InProcessSubgraph } from '../lib/in-process.ts';

/**
 * A subgraph's answer headers, read-only, over undici's plain record (names in lower case):
 * what @apollo/gateway reads of them is `get` (content-type, cache-control).
 */
class AnswerHeaders implements FetcherHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  append(): void {
    throw new TypeError('a subgraph answer’s headers are read-only');
  }
  set(): void {
    throw new TypeError('a subgraph answer’s headers are read-only');
  }
  delete(): void {
    throw new TypeError('a subgraph answer’s headers are read-only');
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw).sort()) {
      const v = this.get(name);
      if (v !== null) yield [name, v];
    }
  }
  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): IterableIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * A subgraph's answer, read whole before it is handed over: it can be read any number of times.
 * `answer.result`: the body's value, handed over by a subgraph in this process (InProcessReply):
 * json() gives it as it is, the same object each time; text() writes it.
 */
class BufferedAnswer implements FetcherResponse {
  readonly redirected = false;
  readonly bodyUsed = false;
  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: FetcherHeaders,
    private readonly answer: { readonly body: string; result?: unknown },
  ) {}
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  async text(): Promise<string> {
    return this.answer.body;
  }
  async json(): Promise<unknown> {
    return 'result' in this.answer ? this.answer.result : (JSON.parse(this.answer.body) as unknown);
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = Buffer.from(this.answer.body);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
  clone(): FetcherResponse {
    return this;
  }
}

/**
 * The gateway's fetcher for subgraph calls: undici's dispatcher API on a keep-alive agent rather
 * than its WHATWG fetch, whose Request, Headers, body stream and MIME sniffing cost several
 * times the call itself (fetch was about 8% of the stack's CPU in the bench profile). Failures
 * keep fetch's shape: a transport failure is `TypeError('fetch failed')` with the cause, and an
 * aborted call rejects with the signal's reason.
 */
export function subgraphFetcher(agent: Agent, signal: () => CallSignal | undefined): Fetcher {
  // each source calls one URL: parse it once
  const targets = new Map<string, { origin: string; path: string }>();
  return (async (url: string, init: FetcherRequestInit = {}) => {
    let target = targets.get(url);
    if (!target) {
      const u = new URL(url);
      targets.set(url, (target = { origin: u.origin, path: `${u.pathname}${u.search}` }));
    }
    const call = signal();
    const callSignal = call?.signal;
    try {
      const res = await agent.request({
        origin: target.origin,
        path: target.path,
        method: (init.method ?? 'GET') as 'POST',
        headers: init.headers,
        body: init.body,
        signal: callSignal,
      });
      const body = await res.body.text();
      return new BufferedAnswer(
        url,
        res.statusCode,
        res.statusText || (STATUS_CODES[res.statusCode] ?? ''),
        new AnswerHeaders(res.headers),
        { body },
      );
    } catch (err) {
      if (callSignal?.aborted) throw callSignal.reason;
      throw new TypeError('fetch failed', { cause: err });
    } finally {
      call?.release();
    }
  }) as Fetcher;
}

/**
 * The gateway's fetcher for a subgraph in its own process (SUBGRAPH_TRANSPORT=local): the request
 * RemoteGraphQLDataSource built (headers filtered by willSendRequest, the secret, the remaining
 * budget, the trace context) goes to the subgraph's /graphql pipeline without loopback HTTP.
 * Failures keep the HTTP fetcher's shape, so the gateway maps them alike: an aborted call rejects
 * with the signal's reason and ends the subgraph's request as a closed socket would; a stopped
 * subgraph or gateway is `TypeError('fetch failed')` with a socket-like cause.
 */
export function inProcessFetcher(
  subgraph: InProcessSubgraph,
  signal: () => CallSignal | undefined,
): Fetcher & { destroy(): void } {
  const running = new Set<InProcessCall>();
  let destroyed = false;
  const fetcher = (async (url: string, init: FetcherRequestInit = {}) => {
    const call = signal();
    const callSignal = call?.signal;
    let inFlight: InProcessCall | undefined;
    const onAbort = () => inFlight?.cut(callSignal!.reason);
    try {
      if (callSignal?.aborted) throw callSignal.reason;
      if (destroyed) throw transportError('UND_ERR_DESTROYED', 'the gateway has stopped');
      inFlight = subgraph.call({
        method: init.method ?? 'GET',
        headers: (init.headers ?? {}) as Record<string, string>,
        body: typeof init.body === 'string' ? init.body : '',
      });
      running.add(inFlight);
      callSignal?.addEventListener('abort', onAbort, { once: true });
      const reply = await inFlight.reply;
      return new BufferedAnswer(
        url,
        reply.status,
        STATUS_CODES[reply.status] ?? '',
        new AnswerHeaders(reply.headers),
        reply,
      );
    } catch (err) {
      if (callSignal?.aborted) throw callSignal.reason;
      throw new TypeError('fetch failed', { cause: err });
    } finally {
      callSignal?.removeEventListener('abort', onAbort);
      if (inFlight) running.delete(inFlight);
      call?.release();
    }
  }) as Fetcher;
  return Object.assign(fetcher, {
    /** cuts the calls still running, as destroying the HTTP agent cuts its sockets */
    destroy() {
      destroyed = true;
      const gone = transportError('UND_ERR_DESTROYED', 'the gateway stopped during the call');
      for (const c of running) c.cut(gone);
    },
  });
}
