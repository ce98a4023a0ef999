import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { callerHeaderFilter } from '../gateway/server.ts';
import { parts } from '../stack/parts/index.ts';
import type { Stack } from '../stack/index.ts';
import { GATEWAY_SECRET_HEADER } from '../lib/secret.ts';
import { type RunningService } from '../lib/listen.ts';

/**
 * Points each `@join__graph` of a supergraph at the running subgraph of that name (the file
 * names the documented default ports; the bench's stack listens on free ones).
 */
export function rewriteSubgraphUrls(
  sdl: string,
  urls: Record<string, string>,
): { sdl: string; missing: string[] } {
  const missing: string[] = [];
  const out = sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) => {
    const url = urls[name];
    if (!url) {
      missing.push(name);
      return whole;
    }
    return `@join__graph(name: "${name}", url: "${url}")`;
  });
  return { sdl: out, missing };
}

/**
 * Hive Gateway serving the same supergraph in front of the same subgraphs, sending the
 * gateway secret and the same per-subgraph caller headers as our gateway does. Its default
 * sharing of identical in-flight subgraph queries is off unless `dedupe` (ours has none, and
 * a benchmark repeating one query would otherwise measure the sharing).
 */
export async function startHiveGateway(
  stack: Stack,
  supergraphSdl: string,
  opts: { dedupe?: boolean } = {},
): Promise<RunningService> {
  const urls = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, s!.url]));
  const { sdl, missing } = rewriteSubgraphUrls(supergraphSdl, urls);
  if (missing.length)
    throw new Error(`supergraph names subgraphs the stack does not run: ${missing.join(', ')}`);
  // Hive's logger refuses pino-only levels (silent, fatal) in LOG_LEVEL, even with logging off,
  // on every logger it builds; ours read the variable at start-up, so it can differ meanwhile
  const logLevel = process.env.LOG_LEVEL;
  const hiveLevels = ['trace', 'debug', 'info', 'warn', 'error'];
  if (logLevel !== undefined && !hiveLevels.includes(logLevel)) process.env.LOG_LEVEL = 'error';
  const restoreLogLevel = () => {
    if (logLevel !== undefined) process.env.LOG_LEVEL = logLevel;
  };
  const runtime = createGatewayRuntime({
    supergraph: sdl,
    logging: false,
    graphiql: false,
    landingPage: false,
    transportEntries: { '*.http': { options: { deduplicateInflightRequests: opts.dedupe ?? false } } },
    propagateHeaders: {
      fromClientToSubgraphs({ request, subgraphName }) {
        const out: Record<string, string> = { [GATEWAY_SECRET_HEADER]: stack.secret };
        const forward = callerHeaderFilter(parts, subgraphName);
        request.headers.forEach((value, name) => {
          if (forward(name)) out[name] = value;
        });
        return out;
      },
    },
  });
  const server = createServer(runtime);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await runtime.dispose();
    restoreLogLevel();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await runtime.dispose();
      restoreLogLevel();
    },
  };
}
