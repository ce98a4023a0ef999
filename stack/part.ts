import type { Emulator } from '../emulators/shared/emulator.ts';
import type { SubgraphDefinition } from '../subgraphs/shared/definition.ts';
import type { ApiName } from './parts/index.ts';

/** Caller headers that carry this API's credentials: exact names, or every name with a prefix. */
export interface CallerHeaders {
  names?: readonly string[];
  prefix?: string;
}

/** Whether `header` (lower-case, as Node gives it) is one of `rule`'s. */
export const isCallerHeader = (rule: CallerHeaders, header: string): boolean =>
  (rule.names?.includes(header) ?? false) || (rule.prefix !== undefined && header.startsWith(rule.prefix));

/**
 * One upstream API, the one place that says everything the rest of the layer derives: its name,
 * port, schema, which caller headers the gateway forwards to it, which environment variables are
 * its server-side credentials (the gateway's exposure check), how to stand in for it (its
 * emulator) and how to build its subgraph. Listed once in `stack/parts/index.ts`: adding an API
 * means adding its folder and one line there.
 */
export interface StackPart<Name extends string = ApiName> {
  /** subgraph name in the supergraph (and `extensions.upstream.api` in errors) */
  name: Name;
  /** port of the subgraph under `npm start`, run alone, and in schema/supergraph.graphql */
  defaultPort: number;
  /** the subgraph's SDL file */
  schemaUrl: URL;
  /** the caller headers the gateway forwards to this subgraph, and to no other */
  callerHeaders: CallerHeaders;
  /**
   * names of the server-side credentials `env` configures for this API (the operator's
   * environment, before emulators add demo ones): with any, an open gateway spends that account
   */
  serverCredentials(env: NodeJS.ProcessEnv): string[];
  /** the variable that names the real upstream (what a subgraph run alone cannot do without) */
  upstreamVariable: string;
  /** true when `env` names no real upstream, so the emulator must stand in */
  needsEmulator(env: NodeJS.ProcessEnv): boolean;
  /**
   * Starts the emulator on loopback and returns it with the environment that points the
   * subgraph at it (URL and the emulator's demo credentials). The registry's parts import their
   * emulator (code and seed data) here, so `npm start`'s workers, which run none, do not load it.
   */
  startEmulator(opts: {
    port?: number;
    latencyMs?: number;
  }): Promise<{ emulator: Emulator; env: Record<string, string> }>;
  /**
   * builds the subgraph from the environment (after the emulator's overlay); the registry's parts
   * import their subgraph's code here, so a process that runs none (`npm start`'s primary with
   * WORKERS > 1) does not load it
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each part has its own context type
  subgraph(env: NodeJS.ProcessEnv): SubgraphDefinition<any> | Promise<SubgraphDefinition<any>>;
}

/** Declares a part, keeping its name as a literal type so the registry can derive `ApiName`. */
export const definePart = <const Name extends string>(part: StackPart<Name>): StackPart<Name> => part;

/** The names of `env`'s variables that are set, for parts whose credentials are plain variables. */
export const setVariables =
  (...names: string[]) =>
  (env: NodeJS.ProcessEnv): string[] =>
    names.filter((n) => Boolean(env[n]));
