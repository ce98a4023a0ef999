// Runs the Likenama subgraph alone: LIKENAMA_URL, SUBGRAPH_SECRET, LIKENAMA_PORT (4004).
import { runAlone } from '../shared/standalone.ts';
import { likenamaConfigFromEnv } from './config.ts';
import { createLikenamaSubgraph } from './subgraph.ts';

await runAlone(createLikenamaSubgraph(likenamaConfigFromEnv(), { env: process.env }), 4004);
