// Composes the subgraphs into schema/supergraph.graphql and prints the API schema apps see
// into schema/api-schema.graphql. `npm run compose`; a test fails when these are stale.
import { writeFileSync } from 'node:fs';
import { composeSupergraph } from '../stack/compose.ts';
import { parts } from '../stack/parts/index.ts';

export const SUPERGRAPH_FILE = new URL('../schema/supergraph.graphql', import.meta.url);
export const API_SCHEMA_FILE = new URL('../schema/api-schema.graphql', import.meta.url);

const { supergraph, apiSchema } = composeSupergraph(parts);
writeFileSync(SUPERGRAPH_FILE, supergraph);
writeFileSync(API_SCHEMA_FILE, apiSchema);
console.log(`composed ${parts.map((p) => p.name).join(', ')} into schema/`);
