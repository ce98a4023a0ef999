import { Agent, request } from 'undici';

/** One HTTP request of a scenario, as plain data so it can be handed to the load worker. */
export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** statuses that count as a real answer (default: any 2xx) */
  okStatus?: number[];
  /** a GraphQL call: a body with `"errors"` is a failed answer */
  graphql?: boolean;
}

/**
 * What a client does for one operation of a scenario: a single call, calls one after the
 * other, or calls at once (with at most `concurrency` in flight).
 */
export type Op = { call: HttpCall } | { seq: Op[] } | { par: Op[]; concurrency?: number };

export interface OpOutcome {
  /** calls that got an answer outside `okStatus`, or a GraphQL body with errors */
  bad: number;
  /** the first bad answer, for the pre-flight check's message */
  firstProblem?: string;
}

export const seq = (...ops: Op[]): Op => ({ seq: ops });
export const par = (ops: Op[], concurrency?: number): Op => ({ par: ops, concurrency });
export const call = (c: HttpCall): Op => ({ call: c });

/** Counts the HTTP calls an op makes. */
export function callCount(op: Op): number {
  if ('call' in op) return 1;
  const items = 'seq' in op ? op.seq : op.par;
  return items.reduce((n, o) => n + callCount(o), 0);
}

/** A GraphQL request over HTTP, as an app sends it. */
export const gqlHttpCall = (
  url: string,
  query: string,
  variables?: unknown,
  headers: Record<string, string> = {},
): HttpCall => ({
  method: 'POST',
  url,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ query, variables }),
  graphql: true,
});

export const gqlCall = (...args: Parameters<typeof gqlHttpCall>): Op => call(gqlHttpCall(...args));

/** Runs ops over keep-alive connections of its own (never the stack's pools). */
export class OpRunner {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });

  /** Runs the op; `check` reads every body and reports what went wrong (pre-flight). */
  async run(op: Op, check = false): Promise<OpOutcome> {
    const out: OpOutcome = { bad: 0 };
    await this.exec(op, out, check);
    return out;
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async exec(op: Op, out: OpOutcome, check: boolean): Promise<void> {
    if ('call' in op) return this.send(op.call, out, check);
    if ('seq' in op) {
      for (const o of op.seq) await this.exec(o, out, check);
      return;
    }
    const items = op.par;
    const limit = Math.max(1, Math.min(op.concurrency ?? items.length, items.length));
    let next = 0;
    const lane = async () => {
      while (next < items.length) await this.exec(items[next++]!, out, check);
    };
    await Promise.all(Array.from({ length: limit }, lane));
  }

  private async send(c: HttpCall, out: OpOutcome, check: boolean): Promise<void> {
    const res = await request(c.url, {
      method: c.method,
      headers: c.headers,
      body: c.body,
      dispatcher: this.agent,
    });
    const text = await res.body.text();
    const ok = c.okStatus
      ? c.okStatus.includes(res.statusCode)
      : res.statusCode >= 200 && res.statusCode < 300;
    const gqlFailed = c.graphql === true && text.includes('"errors"');
    if (!ok || gqlFailed) {
      out.bad += 1;
      if (check && out.firstProblem === undefined) {
        out.firstProblem = `${c.method} ${new URL(c.url).pathname} → ${res.statusCode} ${text.slice(0, 300)}`;
      }
    }
  }
}
