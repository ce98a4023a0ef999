// Runs the Solmate subgraph alone: SOLMATE_URL, SOLMATE_USER, SOLMATE_PASSWORD, SUBGRAPH_SECRET, SOLMATE_PORT (default: the port in its registry entry, stack/parts/solmate.ts).
import { solmatePart } from '../../stack/parts/solmate.ts';
import { runAlone } from '../shared/standalone.ts';

await runAlone(solmatePart.subgraph(process.env), solmatePart.defaultPort);
