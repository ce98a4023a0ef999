// Runs the SolSub subgraph alone: SOLSUB_URL, SOLSUB_API_KEY, SOLSUB_CACHE_TTL_MS, SUBGRAPH_SECRET, SOLSUB_PORT (4002).
import { runAlone } from '../shared/standalone.ts';
import { solsubConfigFromEnv } from './config.ts';
import { createSolsubSubgraph } from './subgraph.ts';

await runAlone(createSolsubSubgraph(solsubConfigFromEnv(), { env: process.env }), 4002);
