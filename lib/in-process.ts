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
  body: string;
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
