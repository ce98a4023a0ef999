// Runs the SMM subgraph alone: SMM_PROVIDERS (or SMM_PROVIDERS_FILE), SUBGRAPH_SECRET, SMM_PORT (default: the port in its registry entry, stack/parts/smm.ts).
import { smmPart } from '../../stack/parts/smm.ts';
import { runAlone } from '../shared/standalone.ts';

await runAlone(smmPart.subgraph(process.env), smmPart.defaultPort);
