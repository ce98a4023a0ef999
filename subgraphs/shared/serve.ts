import type { AddressInfo } from 'node:net';
import express from 'express';
import { GraphQLError } from 'graphql';
import { logger } from '../../lib/logger.ts';
import { graphqlMiddleware } from '../../lib/graphql-http.ts';
import { metricsRegistry } from '../../lib/metrics.ts';
import { metricsText, workerIdentity } from '../../lib/cluster.ts';
import { assignRequestId, enterRequestScope } from '../../lib/request-context.ts';
import { requestDeadlineMs, startDeadline } from '../../lib/deadline.ts';
import { flushTracing, startTracing, traceRequests } from '../../lib/tracing.ts';
import { listen, type RunningService } from '../../lib/listen.ts';
import { GATEWAY_SECRET_HEADER, secretChecker } from '../../lib/secret.ts';
import { closeGracefully } from '../../lib/shutdown.ts';
import { jsonErrors, jsonNotFound } from '../../lib/http-errors.ts';
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

/** Serves a subgraph over HTTP at /graphql, refusing (401) any request without the gateway's secret. */
export async function listenSubgraph<Ctx extends object>(
  def: SubgraphDefinition<Ctx>,
  opts: SubgraphOptions,
): Promise<RunningService> {
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
    startDeadline(opts.deadlineMs ?? requestDeadlineMs()),
    express.json({ limit: maxBodyBytes }),
    enterRequestScope,
    traceRequests(`subgraph ${def.name}`),
    graphqlMiddleware(server, {
      context: async ({ req }) => {
        if (!fromGateway(header(req, GATEWAY_SECRET_HEADER))) {
          throw new GraphQLError('This subgraph only answers its gateway', {
            extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
          });
        }
        return def.context(req);
      },
    }),
  );
  app.use(jsonNotFound);
  app.use(jsonErrors(maxBodyBytes));
  const http = await listen(app, opts.port, opts.host ?? '127.0.0.1', { exclusive: opts.exclusive });
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    url: `http://${opts.host ?? '127.0.0.1'}:${port}/graphql`,
    async close(graceMs = 0) {
      const cut = await closeGracefully(http, graceMs);
      if (cut > 0)
        logger.warn({ subgraph: def.name, connections: cut }, 'cut requests still running at the deadline');
      await server.stop();
      await def.close?.();
      await flushTracing();
    },
  };
}
