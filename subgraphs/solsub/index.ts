// Runs the SolSub subgraph alone: SOLSUB_URL, SOLSUB_API_KEY, SOLSUB_CACHE_TTL_MS, SUBGRAPH_SECRET, SOLSUB_PORT (default: the port in its registry entry, stack/parts/solsub.ts).
import { solsubPart } from '../../stack/parts/solsub.ts';
import { runAlone } from '../shared/standalone.ts';

await runAlone(solsubPart.subgraph(process.env), solsubPart.defaultPort);
