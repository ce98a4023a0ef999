import type { AddressInfo } from 'node:net';
import express from 'express';
import { GraphQLError } from 'graphql';
import type { ApolloServer, HTTPGraphQLResponse } from '@apollo/server';
import { logger } from '../../lib/logger.ts';
import { bodyMissing, headerMapOf, searchOf, sendAnswer } from '../../lib/graphql-http.ts';
import { metricsRegistry } from '../../lib/metrics.ts';
import { metricsText, workerIdentity } from '../../lib/cluster.ts';
import { assignRequestId, requestIdOf, runInScope } from '../../lib/request-context.ts';
import { deadlineFor, requestDeadlineMs, startDeadline, type Deadline } from '../../lib/deadline.ts';
import { flushTracing, startTracing, tracedServerRequest } from '../../lib/tracing.ts';
import { listen, type RunningService } from '../../lib/listen.ts';
import { GATEWAY_SECRET_HEADER, secretChecker } from '../../lib/secret.ts';
import { closeGracefully } from '../../lib/shutdown.ts';
import { bodyNotJson, bodyTooLarge, jsonErrors, jsonNotFound, requestFailed } from '../../lib/http-errors.ts';
import {
  transportError,
  type InProcessCall,
  type InProcessReply,
  type InProcessRequest,
  type InProcessSubgraph,
  type ResultHandover,
} from '../../lib/in-process.ts';
import { breakerStates } from './breaker.ts';
import { header, type SubgraphDefinition } from './definition.ts';
import { ErrorCode } from './errors.ts';
import { buildSubgraphServer } from './server.ts';

export interface SubgraphOptions {
  port: number;
  host?: string;
  /** the gateway→subgraph shared secret */
  secret: string;
  /** largest request body accepted (1 MiB by default) */
  maxBodyBytes?: number;
  /** longest a request may take (REQUEST_DEADLINE_MS by default); the gateway may ask for less */
  deadlineMs?: number;
  /**
   * in a cluster worker, a port of this worker alone rather than one shared by every worker:
   * `npm start`'s gateway calls its own worker's subgraphs, never one that may be restarting
   */
  exclusive?: boolean;
}

export interface RunningSubgraph extends RunningService {
  /** the same /graphql pipeline without HTTP, for a gateway in this process */
  inProcess: InProcessSubgraph;
}

/** One /graphql request once its body is read, however it arrived. */
interface SubgraphRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  search: string;
  body: unknown;
  requestId: string;
  deadline: Deadline;
  /** called in-process: the GraphQL result is handed over here rather than written */
  handover?: ResultHandover;
}

/**
 * What a subgraph does with one GraphQL request, over HTTP or in-process alike: the request's
 * scope (id and deadline, for log lines and upstream calls), its server span, the secret check,
 * the per-request context, and Apollo Server.
 */
function graphqlPipeline<Ctx extends object>(
  def: SubgraphDefinition<Ctx>,
  server: ApolloServer<Ctx>,
  fromGateway: (given: string | undefined) => boolean,
): (req: SubgraphRequest) => Promise<HTTPGraphQLResponse> {
  const service = `subgraph ${def.name}`;
  return (req) => {
    const scope = { requestId: req.requestId, deadline: req.deadline, handover: req.handover };
    return runInScope(scope, () =>
      tracedServerRequest(service, req, () =>
        server.executeHTTPGraphQLRequest({
          httpGraphQLRequest: {
            method: req.method,
            headers: headerMapOf(req.headers),
            search: req.search,
            body: req.body,
          },
          context: async () => {
            if (!fromGateway(header(req, GATEWAY_SECRET_HEADER))) {
              throw new GraphQLError('This subgraph only answers its gateway', {
                extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
              });
            }
            return def.context(req);
          },
        }),
      ),
    );
  };
}

async function bodyText(answer: HTTPGraphQLResponse): Promise<string> {
  if (answer.body.kind === 'complete') return answer.body.string;
  let text = '';
  for await (const chunk of answer.body.asyncIterator) text += chunk;
  return text;
}

/**
 * The pipeline called in-process, with what the HTTP endpoint does around it: express.json's
 * body cap and parse, the request id and deadline from the headers, and the caller going away
 * (here: `cut`) ending the deadline as a closed socket does. Once `close` is called, new calls are
 * refused as a closed port refuses them; at its grace deadline, calls still running are cut.
 */
function inProcessEndpoint(
  handle: (req: SubgraphRequest) => Promise<HTTPGraphQLResponse>,
  opts: { maxBodyBytes: number; deadlineMs: number; name: string },
): InProcessSubgraph & { close(graceMs: number): Promise<number> } {
  const running = new Set<InProcessCall>();
  let closed = false;
  let drained: (() => void) | undefined;
  const refusal = (requestId: string, r: { status: number; body: string }): InProcessReply => ({
    status: r.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId },
    body: r.body,
  });
  return {
    call(request: InProcessRequest): InProcessCall {
      if (closed) {
        const reply = Promise.reject(transportError('ECONNREFUSED', `the ${opts.name} subgraph has stopped`));
        return { reply, cut: () => {} };
      }
      const requestId = requestIdOf(request.headers['x-request-id']);
      const deadline = deadlineFor(request.headers, opts.deadlineMs);
      let answered = false;
      let cut: (reason: unknown) => void = () => {};
      const reply = new Promise<InProcessReply>((resolve, reject) => {
        const answer = (r: InProcessReply) => {
          answered = true;
          resolve(r);
        };
        // an answered request has nothing left to stop, as a socket closed after the answer
        cut = (reason) => {
          if (answered) return;
          deadline.end('caller_gone');
          reject(reason);
        };
        if (Buffer.byteLength(request.body) > opts.maxBodyBytes)
          return answer(refusal(requestId, bodyTooLarge(opts.maxBodyBytes)));
        let body: unknown;
        try {
          body = JSON.parse(request.body);
        } catch {
          body = undefined;
        }
        // express.json is strict: an object or an array, nothing else
        if (typeof body !== 'object' || body === null) return answer(refusal(requestId, bodyNotJson()));
        const handover: ResultHandover = {};
        handle({
          method: request.method,
          headers: request.headers,
          search: '',
          body,
          requestId,
          deadline,
          handover,
        })
          .then(async (graphql): Promise<InProcessReply> => {
            const headers: Record<string, string> = { 'x-request-id': requestId };
            for (const [k, v] of graphql.headers) headers[k] = v;
            const status = graphql.status || 200;
            const text = await bodyText(graphql);
            if (!('result' in handover)) return { status, headers, body: text };
            const { result } = handover;
            let written: string | undefined;
            return {
              status,
              headers,
              result,
              get body() {
                return (written ??= `${JSON.stringify(result)}\n`);
              },
            };
          })
          // what express hands its error handler over HTTP
          .catch((err: unknown) => refusal(requestId, requestFailed(err)))
          .then(answer);
      });
      const call: InProcessCall = { reply, cut: (reason) => cut(reason) };
      running.add(call);
      const done = () => {
        deadline.settle();
        running.delete(call);
        if (running.size === 0) drained?.();
      };
      reply.then(done, done);
      return call;
    },
    async close(graceMs) {
      closed = true;
      if (running.size > 0 && graceMs > 0) {
        const timer = setTimeout(() => drained?.(), graceMs);
        await new Promise<void>((resolve) => (drained = resolve));
        clearTimeout(timer);
      }
      const cut = running.size;
      const reset = transportError('ECONNRESET', `the ${opts.name} subgraph stopped during the request`);
      for (const call of running) call.cut(reset);
      return cut;
    },
  };
}

/**
 * Serves a subgraph over HTTP at /graphql, refusing (401) any request without the gateway's
 * secret, and hands the same pipeline to a gateway in this process (`inProcess`).
 */
export async function listenSubgraph<Ctx extends object>(
  def: SubgraphDefinition<Ctx>,
  opts: SubgraphOptions,
): Promise<RunningSubgraph> {
  if (!opts.secret) throw new Error(`subgraph ${def.name}: a gateway secret is required`);
  await startTracing();
  const server = buildSubgraphServer(def);
  await server.start();
  const app = express();
  app.disable('x-powered-by');
  // only the gateway calls here, by POST: an ETag (a hash of every answer) would never be used
  app.set('etag', false);
  const fromGateway = secretChecker(opts.secret);
  const maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
  const deadlineMs = opts.deadlineMs ?? requestDeadlineMs();
  const handle = graphqlPipeline(def, server, fromGateway);
  const inProcess = inProcessEndpoint(handle, { maxBodyBytes, deadlineMs, name: def.name });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', ...workerIdentity() });
  });
  // Circuit states and metrics tell a stranger which upstreams exist and how they fail: only
  // for whoever holds the gateway's secret (the gateway's /ready sends it; so must a scraper).
  const gatewayOnly: express.RequestHandler = (req, res, next) => {
    if (fromGateway(header(req, GATEWAY_SECRET_HEADER))) return next();
    res.status(401).json({
      errors: [
        {
          message: 'This subgraph only answers its gateway',
          extensions: { code: ErrorCode.UNAUTHENTICATED },
        },
      ],
    });
  };
  // with the idempotency store down, keyed writes are refused: the subgraph is degraded
  app.get('/ready', gatewayOnly, async (_req, res) => {
    const stores = (await def.stores?.()) ?? {};
    const degraded = Object.values(stores).some((s) => !s.up);
    res.json({ status: degraded ? 'degraded' : 'ok', upstreams: breakerStates(def.name), stores });
  });
  app.get('/metrics', gatewayOnly, async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsText());
  });
  app.use(
    '/graphql',
    assignRequestId,
    startDeadline(deadlineMs),
    express.json({ limit: maxBodyBytes }),
    (req, res, next) => {
      if (bodyMissing(req, res)) return;
      handle({
        method: req.method.toUpperCase(),
        headers: req.headers,
        search: searchOf(req.url),
        body: req.body as unknown,
        requestId: res.locals.requestId as string,
        deadline: res.locals.deadline as Deadline,
      })
        .then((answer) => sendAnswer(res, answer))
        .catch(next);
    },
  );
  app.use(jsonNotFound);
  app.use(jsonErrors(maxBodyBytes));
  const http = await listen(app, opts.port, opts.host ?? '127.0.0.1', { exclusive: opts.exclusive });
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    url: `http://${opts.host ?? '127.0.0.1'}:${port}/graphql`,
    inProcess: { call: (request) => inProcess.call(request) },
    async close(graceMs = 0) {
      const cuts = await Promise.all([closeGracefully(http, graceMs), inProcess.close(graceMs)]);
      const cut = cuts[0] + cuts[1];
      if (cut > 0)
        logger.warn({ subgraph: def.name, connections: cut }, 'cut requests still running at the deadline');
      await server.stop();
      await def.close?.();
      await flushTracing();
    },
  };
}
