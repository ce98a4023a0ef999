// Runs the Solmate subgraph alone: SOLMATE_URL, SOLMATE_USER, SOLMATE_PASSWORD, SUBGRAPH_SECRET, SOLMATE_PORT (4001).
import { runAlone } from '../shared/standalone.ts';
import { solmateConfigFromEnv } from './config.ts';
import { createSolmateSubgraph } from './subgraph.ts';

await runAlone(createSolmateSubgraph(solmateConfigFromEnv(), { env: process.env }), 4001);
