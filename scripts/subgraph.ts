// `npm run subgraph -- <api>`: one subgraph alone, behind our gateway (`npm run gateway`) or any
// Federation 2 router. PORT (the API's documented port by default), HOST (loopback by default),
// SUBGRAPH_SECRET (required), the API's upstream variables, REDIS_URL to share state with replicas;
// without it, idempotency records are kept in DATA_DIR (./data), as under `npm start`.
// WORKERS (default 1): that many processes serve PORT together (node:cluster), sharing the
// records (LMDB in DATA_DIR is safe across processes; so is Redis).
import cluster from 'node:cluster';
import { z } from 'zod';
import { reportReady, superviseWorkers } from '../lib/cluster.ts';
import {
  ConfigError,
  listening,
  parseEnv,
  portSchema,
  runMain,
  secretSchema,
  workersFromEnv,
} from '../lib/config.ts';
import { useDataDir } from '../lib/data-dir.ts';
import { logger } from '../lib/logger.ts';
import { exitOnSignals, shutdownTimeoutMs } from '../lib/shutdown.ts';
import { listenSubgraph } from '../subgraphs/shared/serve.ts';
import { parts } from '../stack/parts/index.ts';

await runMain('subgraph', async () => {
  const names = parts.map((p) => p.name).join('|');
  const name = process.argv[2];
  const part = parts.find((p) => p.name === name);
  if (!part)
    throw new ConfigError(
      'subgraph name',
      `${name === undefined ? 'missing' : `unknown "${name}"`}: npm run subgraph -- <${names}>`,
    );
  const env = parseEnv({
    SUBGRAPH_SECRET: secretSchema,
    PORT: portSchema.default(part.defaultPort),
    HOST: z.string().default('127.0.0.1'),
  });
  if (part.needsEmulator(process.env))
    throw new ConfigError(part.upstreamVariable, `is required: the ${part.name} subgraph needs its upstream`);
  // before the subgraph opens its stores: a key used before a restart still replays after it
  const dataDir = useDataDir();
  const workers = workersFromEnv(1);
  if (workers > 1 && cluster.isPrimary) {
    const { url } = await superviseWorkers({ workers, graceMs: shutdownTimeoutMs(), env: {} });
    logger.info({ api: part.name, url, dataDir, workers }, `${part.name} subgraph ready: ${url}`);
    return;
  }
  const def = await part.subgraph(process.env);
  const running = await listening('PORT', env.PORT, env.HOST, () =>
    listenSubgraph(def, { port: env.PORT, host: env.HOST, secret: env.SUBGRAPH_SECRET }),
  );
  exitOnSignals((graceMs) => running.close(graceMs));
  if (cluster.isWorker) reportReady(running.url);
  else
    logger.info({ api: part.name, url: running.url, dataDir }, `${part.name} subgraph ready: ${running.url}`);
});
