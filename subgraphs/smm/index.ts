// Runs the SMM subgraph alone: SMM_PROVIDERS (or SMM_PROVIDERS_FILE), SUBGRAPH_SECRET, SMM_PORT (4003).
import { runAlone } from '../shared/standalone.ts';
import { smmConfigFromEnv } from './config.ts';
import { createSmmSubgraph } from './subgraph.ts';

await runAlone(createSmmSubgraph(smmConfigFromEnv(), { env: process.env }), 4003);
