import type { Emulator } from '../emulators/shared/emulator.ts';
import type { SubgraphDefinition } from '../subgraphs/shared/definition.ts';

/**
 * One upstream API as the stack sees it: how to stand in for it (its emulator) and how to
 * build its subgraph from an environment. The stack, the compose script and the tests all
 * go through this list, so adding an API means adding one part.
 */
export interface StackPart {
  /** subgraph name in the supergraph */
  name: 'smm' | 'solmate' | 'solsub' | 'likenama';
  /** port of the subgraph under `npm start` (and in schema/supergraph.graphql) */
  defaultPort: number;
  /** the subgraph's SDL file */
  schemaUrl: URL;
  /** true when `env` names no real upstream, so the emulator must stand in */
  needsEmulator(env: NodeJS.ProcessEnv): boolean;
  /**
   * Starts the emulator on loopback and returns it with the environment that points the
   * subgraph at it (URL and the emulator's demo credentials).
   */
  startEmulator(opts: {
    port?: number;
    latencyMs?: number;
  }): Promise<{ emulator: Emulator; env: Record<string, string> }>;
  /** builds the subgraph from the environment (after the emulator's overlay) */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each part has its own context type
  subgraph(env: NodeJS.ProcessEnv): SubgraphDefinition<any>;
}
