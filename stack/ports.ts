import { envPort } from '../lib/config.ts';
import type { StackPart } from './part.ts';

// Every port of the embedded stack has its own variable, named after the part, so two stacks
// (or a stack beside anything else) can share a machine; PORT=0 moves them all to free ports.
export const subgraphPortVar = (part: { name: string }) => `${part.name.toUpperCase()}_PORT`;
export const emulatorPortVar = (part: { name: string }) => `${part.name.toUpperCase()}_EMULATOR_PORT`;
/** the variable a gateway run alone reads a subgraph's URL from */
export const subgraphUrlVar = (part: { name: string }) => `SUBGRAPH_URL_${part.name.toUpperCase()}`;

/** emulators sit at 4101..4104 beside subgraphs at 4001..4004 */
export const EMULATOR_PORT_OFFSET = 100;
export const DEFAULT_GATEWAY_PORT = 4000;

export type PortKind = 'subgraph' | 'emulator';

/**
 * The ports `npm start` uses: each part's variable, else 0 when PORT=0 (or the older
 * STACK_PORTS=random), else its documented default.
 */
export function stackPortsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const gateway = envPort('PORT', DEFAULT_GATEWAY_PORT, env);
  const anyFree = gateway === 0 || env.STACK_PORTS === 'random';
  return {
    gateway: env.STACK_PORTS === 'random' && !env.PORT ? 0 : gateway,
    portOf(kind: PortKind, part: StackPart<string>): number {
      const fallback = anyFree
        ? 0
        : kind === 'subgraph'
          ? part.defaultPort
          : part.defaultPort + EMULATOR_PORT_OFFSET;
      return envPort(kind === 'subgraph' ? subgraphPortVar(part) : emulatorPortVar(part), fallback, env);
    },
  };
}

export const portVar = (kind: PortKind, part: StackPart<string>) =>
  kind === 'subgraph' ? subgraphPortVar(part) : emulatorPortVar(part);
