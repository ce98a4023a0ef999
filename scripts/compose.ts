// Composes the subgraphs into schema/supergraph.graphql and prints the API schema apps see
// into schema/api-schema.graphql. `npm run compose`; a test fails when these are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { composeServices } from '@apollo/composition';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { parts } from '../stack/parts/index.ts';

export const SUPERGRAPH_FILE = new URL('../schema/supergraph.graphql', import.meta.url);
export const API_SCHEMA_FILE = new URL('../schema/api-schema.graphql', import.meta.url);

export function composeSupergraph(): { supergraph: string; apiSchema: string } {
  const result = composeServices(
    parts.map((p) => ({
      name: p.name,
      typeDefs: parse(readFileSync(p.schemaUrl, 'utf8')),
      url: `http://127.0.0.1:${p.defaultPort}/graphql`,
    })),
  );
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  const apiSchema = printSchema(Supergraph.build(result.supergraphSdl).apiSchema());
  return { supergraph: `${result.supergraphSdl}\n`, apiSchema: `${apiSchema}\n` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { supergraph, apiSchema } = composeSupergraph();
  writeFileSync(SUPERGRAPH_FILE, supergraph);
  writeFileSync(API_SCHEMA_FILE, apiSchema);
  console.log(`composed ${parts.map((p) => p.name).join(', ')} into schema/`);
}
