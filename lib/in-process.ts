import { currentHandover } from './request-context.ts';

/**
 * A subgraph that runs in the gateway's own process (SUBGRAPH_TRANSPORT=local, the default under
 * `npm start`): the gateway hands it the request it would have sent over loopback HTTP, and it
 * runs the same pipeline as its HTTP endpoint (request id, deadline, body cap, request scope,
 * tracing, secret check, per-request context, Apollo Server), without a socket.
 */
export interface InProcessSubgraph {
  call(request: InProcessRequest): InProcessCall;
}

export interface InProcessRequest {
  method: string;
  /** header names in lower case, as undici and Node's HTTP server give them */
  headers: Record<string, string>;
  /** the JSON body as it would have been sent */
  body: string;
}

export interface InProcessReply {
  status: number;
  /** header names in lower case */
  headers: Record<string, string>;
  /** the JSON body as it would have been sent (with `result`, written when something reads it) */
  readonly body: string;
  /**
   * The GraphQL result the body encodes, when the subgraph handed it over as a value: the caller
   * reads it as it would have parsed the body, without the body being written and parsed back.
   */
  result?: unknown;
}

export interface InProcessCall {
  reply: Promise<InProcessReply>;
  /**
   * The caller gives up (its budget ran out, its own caller left, the gateway stops): `reply`
   * rejects with `reason` at once, and the subgraph's request ends as it does when the socket
   * under an HTTP request closes (a write not yet sent is not sent).
   */
  cut(reason: unknown): void;
}

/**
 * The error of a call the subgraph did not take or did not finish, with the system code a
 * socket would have given: ECONNREFUSED (stopped: nothing was sent), ECONNRESET (cut while
 * running: it may have taken effect).
 */
export const transportError = (code: 'ECONNREFUSED' | 'ECONNRESET' | 'UND_ERR_DESTROYED', message: string) =>
  Object.assign(new Error(message), { code });

/** Where one in-process request's GraphQL result is handed over. */
export interface ResultHandover {
  result?: unknown;
}

/**
 * Apollo Server's stringifyResult for a subgraph. Over HTTP it writes what Apollo Server's own
 * does; for a request called in-process it hands the result over and writes nothing: the gateway
 * in this process would parse the text straight back (JSON.stringify and JSON.parse of a 250-order
 * answer were about 5% of the stack's CPU). What is handed over is what the gateway would have
 * parsed: fields left undefined are gone, errors and extensions are copied through JSON; `data` is
 * the executor's own, built for this request alone, and JSON already: every scalar serialises to
 * a string, number or boolean (DateTime to its ISO text, subgraphs/shared/scalars.ts), and
 * transport.e2e holds the handed-over value equal to its parsed text.
 */
export function stringifyOrHandOver(value: {
  data?: unknown;
  errors?: unknown;
  extensions?: unknown;
}): string {
  const handover = currentHandover();
  if (!handover || 'result' in handover) return `${JSON.stringify(value)}\n`;
  const result: Record<string, unknown> = {};
  if (value.errors !== undefined) result.errors = JSON.parse(JSON.stringify(value.errors)) as unknown;
  if (value.data !== undefined) result.data = value.data;
  if (value.extensions !== undefined)
    result.extensions = JSON.parse(JSON.stringify(value.extensions)) as unknown;
  handover.result = result;
  return '';
}
