import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { breakerStates } from './breaker.ts';
import { ErrorCode } from './errors.ts';
import { logger } from '../../lib/logger.ts';
import { metricsPlugin, metricsRegistry } from '../../lib/metrics.ts';
import { assignRequestId, enterRequestScope } from '../../lib/request-context.ts';
import { scalarResolvers } from './scalars.ts';
import { listen, type RunningService } from '../../lib/listen.ts';
import { GATEWAY_SECRET_HEADER, secretChecker } from '../../lib/secret.ts';
import { closeGracefully } from '../../lib/shutdown.ts';

export interface RequestInfo {
  headers: Record<string, string | string[] | undefined>;
}

export interface SubgraphDefinition<Ctx extends object> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<Ctx>;
  /** builds the per-request context (fresh loaders, credentials) after the secret check */
  context: (req: RequestInfo) => Promise<Ctx> | Ctx;
  /** releases what the subgraph holds beyond requests (its store connection) */
  close?: () => Promise<void>;
}

export const loadSchema = (url: URL): DocumentNode => parse(readFileSync(url, 'utf8'));

export const header = (req: RequestInfo, name: string): string | undefined => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

const production = () => process.env.NODE_ENV === 'production';

export function buildSubgraphServer<Ctx extends object>(
  def: SubgraphDefinition<Ctx>,
  plugins: ApolloServerPlugin<Ctx>[] = [],
): ApolloServer<Ctx> {
  return new ApolloServer<Ctx>({
    schema: buildSubgraphSchema({
      typeDefs: def.typeDefs,
      resolvers: { ...scalarResolvers, ...def.resolvers } as GraphQLResolverMap<unknown>,
    }),
    includeStacktraceInErrorResponses: !production() && process.env.GRAPHQL_STACKTRACES === '1',
    introspection: !production(),
    logger,
    // the process decides when to stop (see shutdown.ts), not Apollo's own signal handlers
    stopOnTerminationSignals: false,
    // no Apollo Studio here: federated traces would only cost time on every request
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // no HTTP caching of GraphQL answers here: its per-field hook would only cost time
      ApolloServerPluginCacheControlDisabled(),
      metricsPlugin<Ctx>(def.name),
      ...plugins,
    ],
    formatError(formatted, error) {
      const code = formatted.extensions?.code;
      if (code === 'INTERNAL_SERVER_ERROR')
        logger.error({ err: error, subgraph: def.name }, 'resolver failed');
      return formatted;
    },
  });
}

export interface SubgraphOptions {
  port: number;
  host?: string;
  /** the gateway→subgraph shared secret */
  secret: string;
  /** largest request body accepted (1 MiB by default) */
  maxBodyBytes?: number;
}

/** Serves a subgraph over HTTP at /graphql, refusing (401) any request without the gateway's secret. */
export async function listenSubgraph<Ctx extends object>(
  def: SubgraphDefinition<Ctx>,
  opts: SubgraphOptions,
): Promise<RunningService> {
  if (!opts.secret) throw new Error(`subgraph ${def.name}: a gateway secret is required`);
  const server = buildSubgraphServer(def);
  await server.start();
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // the state of this subgraph's upstream circuits, read by the gateway's /ready
  app.get('/ready', (_req, res) => {
    res.json({ status: 'ok', upstreams: breakerStates(def.name) });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  const fromGateway = secretChecker(opts.secret);
  app.use(
    '/graphql',
    assignRequestId,
    express.json({ limit: opts.maxBodyBytes ?? 1024 * 1024 }),
    enterRequestScope,
    expressMiddleware(server, {
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
  const http = await listen(app, opts.port, opts.host ?? '127.0.0.1');
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
    },
  };
}
