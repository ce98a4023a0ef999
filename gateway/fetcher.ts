import { STATUS_CODES } from 'node:http';
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import type { Agent } from 'undici';
import type { CallSignal } from '../lib/deadline.ts';

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

/** A subgraph's answer, read whole before it is handed over: it can be read any number of times. */
class BufferedAnswer implements FetcherResponse {
  readonly redirected = false;
  readonly bodyUsed = false;
  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: FetcherHeaders,
    private readonly body: string,
  ) {}
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  async text(): Promise<string> {
    return this.body;
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.body) as unknown;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = Buffer.from(this.body);
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
        body,
      );
    } catch (err) {
      if (callSignal?.aborted) throw callSignal.reason;
      throw new TypeError('fetch failed', { cause: err });
    } finally {
      call?.release();
    }
  }) as Fetcher;
}
