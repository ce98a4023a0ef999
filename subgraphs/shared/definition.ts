import { readFileSync } from 'node:fs';
import type { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';

/**
 * The resolver map buildSubgraphSchema takes. @apollo/subgraph does not export its type from
 * the package root, so it is read off the function instead of deep-importing dist/.
 */
export type SubgraphResolvers = NonNullable<
  Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']
>;

export interface RequestInfo {
  headers: Record<string, string | string[] | undefined>;
}

export interface SubgraphDefinition<Ctx extends object> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: SubgraphResolvers;
  /** builds the per-request context (fresh loaders, credentials) after the secret check */
  context: (req: RequestInfo) => Promise<Ctx> | Ctx;
  /** the state of the subgraph's stores, for /ready */
  stores?: () => Promise<Record<string, { kind: string; up: boolean }>>;
  /** releases what the subgraph holds beyond requests (its store connection) */
  close?: () => Promise<void>;
}

export const loadSchema = (url: URL): DocumentNode => parse(readFileSync(url, 'utf8'));

export const header = (req: RequestInfo, name: string): string | undefined => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};
