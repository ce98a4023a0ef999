// first: it must run before @apollo/gateway loads (see the file)
import '../lib/flat-federation.ts';
import './unused-modules.ts';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { GraphQLError } from 'graphql';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { Agent } from 'undici';
import type { GatewayGraphQLRequest, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { logger } from '../lib/logger.ts';
import { graphqlMiddleware } from '../lib/graphql-http.ts';
import { metricsPlugin } from '../lib/metrics.ts';
import { assignRequestId, currentDeadline, enterRequestScope } from '../lib/request-context.ts';
import {
  callSignal,
  DEADLINE_HEADER,
  requestDeadlineMs,
  startDeadline,
  type CallSignal,
} from '../lib/deadline.ts';
import { closeGracefully } from '../lib/shutdown.ts';
import { flushTracing, injectTraceContext, startTracing, traceRequests } from '../lib/tracing.ts';
import { accessSettingsFromEnv, checkExposure, requireApiKey, serverSideCredentials } from './access.ts';
import { armorProtection, formatGatewayError, gatewayLimitsFromEnv, listItemsPlugin } from './limits.ts';
import { opsRouter } from './ops.ts';
import { inProcessFetcher, subgraphFetcher } from './fetcher.ts';
import type { InProcessSubgraph } from '../lib/in-process.ts';
import { jsonErrors, jsonNotFound } from '../lib/http-errors.ts';
import { graphiql } from './graphiql.ts';
import { corsFromEnv, handleCors } from './cors.ts';
import { landingPage } from './landing.ts';
import { operationChoicePlugin } from './operation.ts';
import { loadManifest, trustedDocuments, trustedSettingsFromEnv } from './trusted.ts';
import { GATEWAY_SECRET_HEADER } from '../lib/secret.ts';
import { listen, type RunningService } from '../lib/listen.ts';
import { isCallerHeader, type StackPart } from '../stack/part.ts';
import { parts } from '../stack/parts/index.ts';
import { useFastResultShaping } from './result-shaping.ts';

// @apollo/gateway otherwise probes cloud metadata addresses (169.254.169.254) and reports
// usage data to Apollo from its constructor: a federation layer has no business calling out.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

// @apollo/gateway's last step, shaping the subgraphs' answers into the client's, done per
// selection instead of per value (see result-shaping.ts)
useFastResultShaping();

export const SUPERGRAPH_PATH = new URL('../schema/supergraph.graphql', import.meta.url);

export interface GatewayContext {
  headers: Record<string, string | string[] | undefined>;
  requestId: string;
}

/** What the gateway needs to know of each API: its caller headers and server-side credentials. */
export type GatewayApi = Pick<StackPart<string>, 'name' | 'callerHeaders' | 'serverCredentials'>;

/**
 * Which caller headers `subgraph` receives: its own upstream credentials and nothing else, so one
 * tenant's Solmate password never travels to the SMM subgraph. A subgraph the registry does not
 * know is refused here, at start, rather than silently sent no credentials at all.
 */
export function callerHeaderFilter(
  apis: readonly GatewayApi[],
  subgraph: string,
): (header: string) => boolean {
  const api = apis.find((a) => a.name === subgraph);
  if (!api) {
    throw new Error(
      `subgraph "${subgraph}" is not in the API registry (stack/parts/index.ts): ` +
        'the gateway would not know which caller headers to forward to it',
    );
  }
  return (header) => isCallerHeader(api.callerHeaders, header);
}

/** the system error code under a fetch error (undici wraps it: `fetch failed`, cause ECONNREFUSED) */
const causeCode = (e: unknown): string | undefined => {
  for (let c = e, i = 0; c && typeof c === 'object' && i < 4; c = (c as { cause?: unknown }).cause, i++)
    if (typeof (c as { code?: unknown }).code === 'string') return (c as { code: string }).code;
  return undefined;
};

/** exported for its tests */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    private readonly forward: (header: string) => boolean,
    private readonly secret: string,
    fetcher: Fetcher,
  ) {
    super({ url, fetcher });
  }

  /**
   * The gateway passes custom scalars through unchecked, so a malformed Decimal is refused by
   * the subgraph with HTTP 400: hand the caller the subgraph's own error (BAD_USER_INPUT and
   * its message) instead of a generic "400: Bad Request".
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    if (response.status === 400) {
      const body = (await response
        .clone()
        .json()
        .catch(() => null)) as {
        errors?: Array<{ message?: string; extensions?: Record<string, unknown> }>;
      } | null;
      const first = body?.errors?.[0];
      if (first?.message && typeof first.extensions?.code === 'string') {
        const { code, upstream } = first.extensions;
        return new GraphQLError(first.message, { extensions: { code, ...(upstream ? { upstream } : {}) } });
      }
    }
    return super.errorFromResponse(response);
  }

  /**
   * A fetch the subgraph itself never answered: the connection failed or was cut (a replica
   * killed mid-request), or a load balancer answered 502/503/504 for it. Apollo's own error is
   * "fetch failed" or "502: Bad Gateway" with the proxy's page and the subgraph's URL, whatever
   * the operation. A mutation may have reached its upstream before the cut: OUTCOME_UNKNOWN
   * (its idempotency key replays it or waits for it, so a retry with the key is safe); a
   * connection refused sent nothing; a read is UPSTREAM_UNAVAILABLE.
   */
  override didEncounterError(
    ...args: Parameters<RemoteGraphQLDataSource<GatewayContext>['didEncounterError']>
  ): void {
    const [error, , response, , request] = args;
    if (response && ![502, 503, 504].includes(response.status)) return super.didEncounterError(...args);
    // the deadline's own abort keeps the error it has (see subgraphCallSignal)
    if (currentDeadline()?.ended || error.name === 'AbortError' || error.name === 'TimeoutError')
      return super.didEncounterError(...args);
    const refused = !response && causeCode(error) === 'ECONNREFUSED';
    const write = /^\s*mutation\b/.test(request?.query ?? '');
    const why = response ? `HTTP ${response.status} from in front of it` : 'the connection was cut';
    if (write && !refused)
      throw new GraphQLError(
        `The ${this.name} subgraph gave no answer to a mutation (${why}) after it was sent: it may have ` +
          'taken effect. Retry with the same idempotencyKey, or check its state before trying again.',
        { extensions: { code: 'OUTCOME_UNKNOWN' } },
      );
    throw new GraphQLError(
      `The ${this.name} subgraph did not answer (${refused ? 'connection refused' : why})` +
        (refused && write ? '. Nothing was sent.' : ''),
      { extensions: { code: 'UPSTREAM_UNAVAILABLE', ...(refused ? { sent: false } : {}) } },
    );
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const out = request.http?.headers;
    if (!out) return;
    out.set(GATEWAY_SECRET_HEADER, this.secret);
    const deadline = currentDeadline();
    if (deadline) {
      // a mutation after a slow one must not start once the caller's budget is spent or the caller left
      const ended = deadline.ended;
      if (ended) {
        throw new GraphQLError(`${this.name} was not called: ${ended.message}. Nothing was sent.`, {
          extensions: { code: 'UPSTREAM_UNAVAILABLE', sent: false },
        });
      }
      out.set(DEADLINE_HEADER, String(deadline.remaining()));
    }
    // runs inside @apollo/gateway's gateway.fetch span: the subgraph's spans become its children
    injectTraceContext(out);
    // health checks and schema loading run without a request context
    if (!('headers' in context) || !context.headers) return;
    const ctx = context as GatewayContext;
    out.set('x-request-id', ctx.requestId);
    for (const [name, value] of Object.entries(ctx.headers)) {
      if (typeof value === 'string' && this.forward(name)) out.set(name, value);
    }
  }
}

type SendRequest = (
  request: GatewayGraphQLRequest,
  context: GatewayContext,
) => Promise<GatewayGraphQLResponse>;
const NO_FETCH_REQUEST = undefined as unknown as Parameters<SubgraphSource['didEncounterError']>[1];

/**
 * @apollo/gateway's sendRequest, line for line, but without the node-fetch Request it builds for
 * every call (a WHATWG and then a legacy url.parse of the subgraph's URL, a Body and Headers:
 * about 4% of the gateway's CPU in the bench profile) only to hand it to parseBody and
 * didEncounterError, where neither Apollo's nor ours reads it: they get no request. sendRequest
 * is private in the typings, hence the prototype; test/gateway/subgraph-source.test.ts checks
 * that the library still calls it.
 */
async function sendRequest(
  this: SubgraphSource,
  request: GatewayGraphQLRequest,
  context: GatewayContext,
): Promise<GatewayGraphQLResponse> {
  if (!request.http) throw new Error("Internal error: Only 'http' requests are supported.");
  const { http, ...requestWithoutHttp } = request;
  const requestInit = {
    method: http.method,
    headers: Object.fromEntries(http.headers),
    body: JSON.stringify(requestWithoutHttp),
  };
  let fetchResponse: FetcherResponse | undefined;
  try {
    fetchResponse = await this.fetcher(http.url, requestInit);
    if (!fetchResponse.ok) throw await this.errorFromResponse(fetchResponse);
    const body = await this.parseBody(fetchResponse);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new Error(`Expected JSON response body, but received: ${String(body)}`);
    return { ...body, http: fetchResponse };
  } catch (error) {
    this.didEncounterError(error as Error, NO_FETCH_REQUEST, fetchResponse, context, request);
    throw error;
  }
}
Object.defineProperty(SubgraphSource.prototype, 'sendRequest', { value: sendRequest satisfies SendRequest });

/**
 * Past the deadline the subgraph answers on its own (it was told the budget), so the gateway
 * waits that long again before cutting the call; a caller that left cuts it at once, which tells
 * the subgraph (its socket closes) to send no write it has not sent yet.
 */
const SUBGRAPH_GRACE_MS = 1_000;

function subgraphCallSignal(): CallSignal | undefined {
  const deadline = currentDeadline();
  if (!deadline) return undefined;
  return callSignal(deadline.remaining() + SUBGRAPH_GRACE_MS, deadline.callerGone);
}

export interface GatewayOptions {
  /** the composed supergraph; schema/supergraph.graphql by default */
  supergraphSdl?: string;
  /** subgraph name → URL, overriding the URLs written in the supergraph */
  subgraphUrls?: Record<string, string>;
  /** the gateway→subgraph shared secret */
  secret: string;
  port: number;
  host?: string;
  /** access keys and limits are read from here (process.env by default) */
  env?: NodeJS.ProcessEnv;
  /**
   * names of the server-side upstream credentials the operator configured (the stack tells, from
   * the environment before emulators add demo ones); read from `env` when omitted
   */
  upstreamCredentials?: string[];
  /** the APIs behind the subgraphs (the registry, stack/parts/index.ts, by default) */
  apis?: readonly GatewayApi[];
  /**
   * subgraphs running in this process, by name (SUBGRAPH_TRANSPORT=local): called without
   * loopback HTTP; their URL still serves /ready. The others are called over HTTP.
   */
  inProcess?: Record<string, InProcessSubgraph>;
}

const production = () => process.env.NODE_ENV === 'production';
// Stack traces name files and modules: only when asked for, and never in production.
export const stackTraces = () => !production() && process.env.GRAPHQL_STACKTRACES === '1';

export async function startGateway(opts: GatewayOptions): Promise<RunningService> {
  const env = opts.env ?? process.env;
  const access = accessSettingsFromEnv(env);
  const limits = gatewayLimitsFromEnv(env);
  const deadlineMs = requestDeadlineMs(env);
  const trusted = trustedSettingsFromEnv(env);
  // the app's manifest is read in every mode (its hashes always run); only allow/only require it
  const manifest =
    trusted.mode === 'off' && !trusted.files.every((f) => existsSync(f))
      ? undefined
      : loadManifest(trusted.files);
  const host = opts.host ?? '127.0.0.1';
  const apis = opts.apis ?? parts;
  checkExposure(host, access, opts.upstreamCredentials ?? serverSideCredentials(env, apis));
  await startTracing();
  // read once: what a running server hides must not change under it
  const inProduction = production();
  const armor = armorProtection(limits, inProduction);
  const cors = {
    ...corsFromEnv(env),
    allowHeader: (h: string) => apis.some((a) => isCallerHeader(a.callerHeaders, h)),
  };
  const landing = landingPage(inProduction);
  const subgraphUrls = new Map<string, string>();
  // undici with keep-alive instead of Apollo's default fetcher (make-fetch-happen): that one
  // builds an Error stack per request to tell http from https, about a fifth of the
  // gateway's CPU in the bench profile
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  const fetcher: Fetcher = subgraphFetcher(agent, subgraphCallSignal);
  const inProcessFetchers: Array<ReturnType<typeof inProcessFetcher>> = [];
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8'),
    logger,
    // its spans carry no document and no exception text (which may quote upstream answers)
    telemetry: { includeDocument: false, recordExceptions: false },
    buildService: ({ name, url }) => {
      const target = opts.subgraphUrls?.[name] ?? String(url);
      subgraphUrls.set(name, target);
      const local = opts.inProcess?.[name];
      const own = local && inProcessFetcher(local, subgraphCallSignal);
      if (own) inProcessFetchers.push(own);
      return new SubgraphSource(name, target, callerHeaderFilter(apis, name), opts.secret, own ?? fetcher);
    },
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: stackTraces(),
    introspection: !production(),
    logger,
    // the process decides when to stop (SIGTERM drains requests first), not Apollo's handlers
    stopOnTerminationSignals: false,
    parseOptions: limits.maxTokens > 0 ? { maxTokens: limits.maxTokens } : {},
    validationRules: armor.validationRules,
    plugins: [
      operationChoicePlugin(),
      ...armor.plugins,
      listItemsPlugin(limits),
      metricsPlugin('gateway', 'info'),
      ApolloServerPluginCacheControlDisabled(),
      // Apollo Server adds its inline-trace plugin unless told not to; it does nothing on a schema
      // that is not a subgraph, but loads Apollo Studio's protobuf code (about 1 MiB of heap)
      ApolloServerPluginInlineTraceDisabled(),
      landing.plugin,
    ],
    formatError: (formatted) => formatGatewayError(formatted, inProduction),
  });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
  // before anything that asks for credentials: a browser's preflight carries none
  app.use((req, res, next) => {
    if (!handleCors(cors, req, res)) next();
  });
  if (landing.redirectRoot) app.get('/', (_req, res) => res.redirect(302, '/graphql'));
  app.use(opsRouter({ subgraphs: subgraphUrls, secret: opts.secret, apiKeys: access.keys }));
  app.use('/graphiql', graphiql());
  app.use(
    '/graphql',
    assignRequestId,
    startDeadline(deadlineMs),
    requireApiKey(access.keys, { allowLandingPage: true }),
    express.json({ limit: limits.maxBodyBytes }),
    jsonErrors(limits.maxBodyBytes),
    trustedDocuments(trusted, manifest),
    enterRequestScope,
    traceRequests('gateway'),
    graphqlMiddleware(server, {
      context: async ({ req, res }) => {
        const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : randomUUID();
        return { headers: req.headers, requestId };
      },
    }),
  );
  app.use(jsonNotFound);
  app.use(jsonErrors(limits.maxBodyBytes));
  const http = await listen(app, opts.port, host);
  const port = (http.address() as AddressInfo).port;
  logger.debug({ port }, 'gateway listening');
  return {
    port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/graphql`,
    async close(graceMs = 0) {
      const cut = await closeGracefully(http, graceMs);
      if (cut > 0) logger.warn({ connections: cut }, 'gateway cut requests still running at the deadline');
      await server.stop();
      // past the deadline: whatever is still in flight to a subgraph is cut, not awaited
      for (const f of inProcessFetchers) f.destroy();
      await agent.destroy();
      await flushTracing();
    },
  };
}
