// `npm run gateway`: the gateway alone, in front of subgraphs that run elsewhere (split or
// replicated deployments). It serves schema/supergraph.graphql (SUPERGRAPH_FILE to serve another);
// each subgraph's URL comes from SUBGRAPH_URL_<API>, else from the supergraph itself.
// WORKERS (default 1): that many processes serve PORT together (node:cluster).
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  ConfigError,
  httpUrlSchema,
  listening,
  parseEnv,
  portSchema,
  runMain,
  secretSchema,
  subgraphTransportSchema,
  workersFromEnv,
} from '../lib/config.ts';
import { reportReady, superviseWorkers } from '../lib/cluster.ts';
import { logger } from '../lib/logger.ts';
import { exitOnSignals, shutdownTimeoutMs } from '../lib/shutdown.ts';
import { startGateway, SUPERGRAPH_PATH } from '../gateway/server.ts';
import { serverSideCredentials } from '../gateway/access.ts';
import { parts } from '../stack/parts/index.ts';
import { DEFAULT_GATEWAY_PORT, subgraphUrlVar } from '../stack/ports.ts';

await runMain('gateway', async () => {
  const urlVars = parts.map((p) => subgraphUrlVar(p));
  const stray = Object.keys(process.env).find((k) => k.startsWith('SUBGRAPH_URL_') && !urlVars.includes(k));
  if (stray) throw new ConfigError(stray, `names no subgraph of this graph (known: ${urlVars.join(', ')})`);
  const env = parseEnv({
    SUBGRAPH_SECRET: secretSchema,
    PORT: portSchema.default(DEFAULT_GATEWAY_PORT),
    HOST: z.string().default('127.0.0.1'),
    SUPERGRAPH_FILE: z.string().optional(),
    // checked for typos only: no subgraph runs in this process, so every call goes over HTTP
    SUBGRAPH_TRANSPORT: subgraphTransportSchema.optional(),
    ...Object.fromEntries(urlVars.map((v) => [v, httpUrlSchema.optional()])),
  });
  let sdl: string;
  try {
    sdl = readFileSync(env.SUPERGRAPH_FILE ?? SUPERGRAPH_PATH, 'utf8');
  } catch (err) {
    throw new ConfigError('SUPERGRAPH_FILE', `cannot read ${(err as NodeJS.ErrnoException).code ?? 'it'}`);
  }
  const workers = workersFromEnv(1);
  if (workers > 1 && cluster.isPrimary) {
    const { url } = await superviseWorkers({ workers, graceMs: shutdownTimeoutMs(), env: {} });
    logger.info({ url, workers }, `gateway ready: ${url}`);
    return;
  }
  const subgraphUrls: Record<string, string> = {};
  for (const part of parts) {
    const url = (env as Record<string, unknown>)[subgraphUrlVar(part)];
    if (typeof url === 'string') subgraphUrls[part.name] = url;
  }
  const gateway = await listening('PORT', env.PORT, env.HOST, () =>
    startGateway({
      supergraphSdl: sdl,
      subgraphUrls,
      secret: env.SUBGRAPH_SECRET,
      port: env.PORT,
      host: env.HOST,
      // run alone, the gateway cannot see whether its subgraphs hold server-side upstream
      // credentials: it assumes they do, so an exposed gateway needs keys
      upstreamCredentials: [...serverSideCredentials(process.env), "the subgraphs' own"],
    }),
  );
  exitOnSignals((graceMs) => gateway.close(graceMs));
  if (cluster.isWorker) reportReady(gateway.url);
  else logger.info({ url: gateway.url, subgraphs: subgraphUrls }, `gateway ready: ${gateway.url}`);
});
