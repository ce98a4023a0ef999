import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { parse } from 'graphql';
import type { StackPart } from './part.ts';

/** Composes the parts' subgraph schemas; URLs are each subgraph's documented default port. */
export function composeSupergraph(
  parts: ReadonlyArray<Pick<StackPart<string>, 'name' | 'schemaUrl' | 'defaultPort'>>,
): { supergraph: string; apiSchema: string } {
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
