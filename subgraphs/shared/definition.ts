import { readFileSync } from 'node:fs';
import type { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';
import { registerCache } from '../../lib/metrics.ts';
import type { StoreCache } from './cache.ts';
import { ErrorCode, LayerError, type UpstreamInfo } from './errors.ts';
import { idempotencyFromEnv, type IdempotencyOptions } from './idempotency.ts';
import type { KvStore } from './store.ts';

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

/**
 * The caller's own credential from its header, else the configured one: a caller may spend its
 * own account, and an operator may configure one for every caller. Neither is UNAUTHENTICATED.
 */
export function credentialFrom(
  req: RequestInfo,
  headerName: string,
  configured: string | undefined,
  refusal: string,
  upstream?: UpstreamInfo,
): string {
  const key = header(req, headerName) || configured;
  if (!key) throw new LayerError(ErrorCode.UNAUTHENTICATED, refusal, upstream);
  return key;
}

/** What every subgraph's request-outliving state holds: its configuration, idempotency, client maker. */
export interface SubgraphState<Config = unknown, MakeApi = unknown> {
  config: Config;
  idempotency: IdempotencyOptions;
  /** builds the API client from a request's credentials (tests swap in fakes) */
  makeApi?: MakeApi;
}

/** What a caller (the stack part, a test) may set when it builds a subgraph. */
export type SubgraphOverrides<Shared extends SubgraphState> = Pick<Shared, 'makeApi'> & {
  env?: NodeJS.ProcessEnv;
  /** one store for idempotency and caches, instead of the ones `env` configures */
  store?: KvStore;
};

/** Builds a subgraph's own caches over the store its environment configures. */
export interface SubgraphKit {
  /** a cache over the subgraph's cache store, counted in cache_hits_total{cache=metric} */
  cache<C extends StoreCache<unknown>>(metric: string, make: (store: KvStore) => C): C;
}

/** A subgraph as it describes itself: only what is its own. */
export interface SubgraphDescriptor<Shared extends SubgraphState, Ctx extends object> {
  name: string;
  typeDefs: DocumentNode;
  /** the generated resolver map; its types are checked against the schema, not against Apollo's */
  resolvers: object;
  config: Shared['config'];
  overrides: SubgraphOverrides<Shared>;
  /** the state beyond SubgraphState that outlives a request (caches, maps) */
  state?: (kit: SubgraphKit) => Omit<Shared, keyof SubgraphState>;
  context(shared: Shared, req: RequestInfo): Ctx;
}

/** A subgraph's definition, with its request-outliving state reachable (tests swap parts of it). */
export type DefinedSubgraph<Shared extends SubgraphState, Ctx extends object> = SubgraphDefinition<Ctx> & {
  shared: Shared;
};

/**
 * Adds to a descriptor what every subgraph has: the stores its environment configures (or the
 * one given), their readiness and closing, and the state every context is built from.
 */
export function defineSubgraph<Shared extends SubgraphState, Ctx extends object>(
  d: SubgraphDescriptor<Shared, Ctx>,
): DefinedSubgraph<Shared, Ctx> {
  const { env = process.env, store, makeApi } = d.overrides;
  const idempotency = idempotencyFromEnv(env, store);
  const kit: SubgraphKit = {
    cache(metric, make) {
      const cache = make(idempotency.cacheStore);
      registerCache(metric, cache);
      return cache;
    },
  };
  const base: SubgraphState<Shared['config'], Shared['makeApi']> = { config: d.config, idempotency, makeApi };
  // the base and the descriptor's own part are the whole of Shared; TypeScript cannot join an Omit back
  const shared = { ...base, ...d.state?.(kit) } as Shared;
  return {
    close: idempotency.close,
    stores: idempotency.stores,
    name: d.name,
    typeDefs: d.typeDefs,
    resolvers: d.resolvers as SubgraphResolvers,
    context: (req) => d.context(shared, req),
    shared,
  };
}
