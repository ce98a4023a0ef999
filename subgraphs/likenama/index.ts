// Runs the Likenama subgraph alone: LIKENAMA_URL, SUBGRAPH_SECRET, LIKENAMA_PORT (default: the port in its registry entry, stack/parts/likenama.ts).
import { likenamaPart } from '../../stack/parts/likenama.ts';
import { runAlone } from '../shared/standalone.ts';

await runAlone(likenamaPart.subgraph(process.env), likenamaPart.defaultPort);
