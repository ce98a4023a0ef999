import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { logger } from '../subgraphs/shared/logger.ts';
import { GATEWAY_SECRET_HEADER, listen, type RunningService } from '../subgraphs/shared/server.ts';

// @apollo/gateway otherwise probes cloud metadata addresses (169.254.169.254) and reports
// usage data to Apollo from its constructor: a federation layer has no business calling out.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

export const SUPERGRAPH_PATH = new URL('../schema/supergraph.graphql', import.meta.url);

export interface GatewayContext {
  headers: Record<string, string | string[] | undefined>;
  requestId: string;
}

/**
 * Which caller headers each subgraph receives: its own upstream credentials and nothing else,
 * so one tenant's Solmate password never travels to the SMM subgraph.
 */
export const FORWARDED_HEADERS: Record<string, (name: string) => boolean> = {
  smm: (h) => h.startsWith('x-smm-key-'),
  solmate: (h) => h === 'x-solmate-authorization',
  solsub: (h) => h === 'x-solsub-api-key',
  likenama: (h) => h === 'x-likenama-token',
};

class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly subgraph: string,
    private readonly secret: string,
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const out = request.http?.headers;
    if (!out) return;
    out.set(GATEWAY_SECRET_HEADER, this.secret);
    // health checks and schema loading run without a request context
    if (!('headers' in context) || !context.headers) return;
    const ctx = context as GatewayContext;
    out.set('x-request-id', ctx.requestId);
    const forward = FORWARDED_HEADERS[this.subgraph];
    if (!forward) return;
    for (const [name, value] of Object.entries(ctx.headers)) {
      if (typeof value === 'string' && forward(name)) out.set(name, value);
    }
  }
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
}

const production = () => process.env.NODE_ENV === 'production';
// Stack traces name files and modules: only when asked for, and never in production.
export const stackTraces = () => !production() && process.env.GRAPHQL_STACKTRACES === '1';

export async function startGateway(opts: GatewayOptions): Promise<RunningService> {
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name, url }) =>
      new SubgraphSource(opts.subgraphUrls?.[name] ?? String(url), name, opts.secret),
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: stackTraces(),
    introspection: !production(),
  });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(server, {
      context: async ({ req }) => {
        const given = req.headers['x-request-id'];
        const requestId = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
        return { headers: req.headers, requestId };
      },
    }),
  );
  const host = opts.host ?? '127.0.0.1';
  const http = await listen(app, opts.port, host);
  const port = (http.address() as AddressInfo).port;
  logger.debug({ port }, 'gateway listening');
  return {
    port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/graphql`,
    async close() {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
      await server.stop();
    },
  };
}
