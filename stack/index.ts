import { randomBytes } from 'node:crypto';
import { requestDeadlineMs } from '../lib/deadline.ts';
import type { Emulator } from '../emulators/shared/emulator.ts';
import { serverSideCredentials } from '../gateway/access.ts';
import { startGateway } from '../gateway/server.ts';
import { breakerSettingsFromEnv, configureBreakers } from '../subgraphs/shared/breaker.ts';
import { closeAllPools } from '../subgraphs/shared/http.ts';
import { listenSubgraph, type RunningSubgraph } from '../subgraphs/shared/serve.ts';
import type { InProcessSubgraph } from '../lib/in-process.ts';
import { composeSupergraph } from './compose.ts';
import { startEmulators } from './emulators.ts';
export { startEmulators, type StartedEmulators } from './emulators.ts';
import type { StackPart } from './part.ts';
import { parts as allParts } from './parts/index.ts';
import { listening, subgraphTransport, type SubgraphTransport } from '../lib/config.ts';
import { EMULATOR_PORT_OFFSET, portVar, type PortKind } from './ports.ts';

export interface StackOptions {
  /** environment the subgraphs are configured from (process.env by default) */
  env?: NodeJS.ProcessEnv;
  /**
   * 0 (default) picks free ports for everything; 'default' uses the documented ports; a function
   * chooses each part's port (`npm start` reads them from the environment, see ports.ts)
   */
  ports?: 0 | 'default' | ((kind: PortKind, part: StackPart<string>) => number);
  gatewayPort?: number;
  /** base latency of every emulator answer */
  emulatorLatencyMs?: number;
  /** always emulate these APIs, whatever the environment says */
  forceEmulators?: boolean;
  /** a subset of the APIs (tests): the supergraph is then composed from just these */
  parts?: StackPart<string>[];
  /**
   * the environment of emulators already running elsewhere (`npm start`'s primary process with
   * WORKERS > 1): applied like the overlay of emulators started here, after the operator's own
   * credentials were counted, so their demo credentials never count as server-side ones
   */
  emulatorEnv?: Record<string, string>;
  /** how the gateway calls the subgraphs: SUBGRAPH_TRANSPORT of `env` (`local`) by default */
  transport?: SubgraphTransport;
}

export interface Stack {
  gatewayUrl: string;
  emulators: Partial<Record<StackPart['name'], Emulator>>;
  /** each subgraph's own HTTP endpoint, served in both transports (tests, /ready, other routers) */
  subgraphs: Partial<Record<StackPart['name'], RunningSubgraph>>;
  /** how the gateway calls the subgraphs */
  transport: SubgraphTransport;
  /** the environment each subgraph was built from (emulator URLs and demo credentials included) */
  env: NodeJS.ProcessEnv;
  /** the gateway→subgraph secret (tests call subgraphs directly with it) */
  secret: string;
  /**
   * Stops gateway, subgraphs, then emulators. With `graceMs` (SIGTERM), requests in flight get
   * until that deadline, shared by all, to finish; without, everything is cut at once.
   */
  close(graceMs?: number): Promise<void>;
}

/** Starts emulators for unconfigured upstreams, every subgraph, and the gateway in front. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const parts = opts.parts ?? allParts;
  const fixed = opts.ports === 'default';
  const ports = opts.ports;
  const portOf = (kind: PortKind, part: StackPart<string>) =>
    typeof ports === 'function'
      ? ports(kind, part)
      : !fixed
        ? 0
        : kind === 'subgraph'
          ? part.defaultPort
          : part.defaultPort + EMULATOR_PORT_OFFSET;
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env) };
  const host = env.HOST ?? '127.0.0.1';
  const secret = env.SUBGRAPH_SECRET || randomBytes(24).toString('base64url');
  const transport = opts.transport ?? subgraphTransport(env);
  const subgraphs: Stack['subgraphs'] = {};
  const closers: Array<(graceMs: number) => Promise<void>> = [];
  const close = async (graceMs = 0) => {
    const deadline = Date.now() + graceMs;
    for (const c of [...closers].reverse()) await c(Math.max(0, deadline - Date.now())).catch(() => {});
    await closeAllPools();
  };
  // before emulators add their demo credentials: only the operator's own ones count
  const upstreamCredentials = serverSideCredentials(env, parts);
  Object.assign(env, opts.emulatorEnv);
  configureBreakers(breakerSettingsFromEnv(env));
  let emulators: Stack['emulators'] = {};
  try {
    const started = await startEmulators({
      parts,
      env,
      portOf: (part) => portOf('emulator', part),
      latencyMs: opts.emulatorLatencyMs,
      force: opts.forceEmulators,
    });
    emulators = started.emulators;
    closers.push(() => started.close());
    Object.assign(env, started.env);
    const urls: Record<string, string> = {};
    const inProcess: Record<string, InProcessSubgraph> = {};
    for (const part of parts) {
      const def = await part.subgraph(env);
      const port = portOf('subgraph', part);
      const running = await listening(portVar('subgraph', part), port, '127.0.0.1', () =>
        listenSubgraph(def, { port, secret, deadlineMs: requestDeadlineMs(env), exclusive: true }),
      );
      (subgraphs as Record<string, RunningSubgraph>)[part.name] = running;
      urls[part.name] = running.url;
      inProcess[part.name] = running.inProcess;
      closers.push((graceMs) => running.close(graceMs));
    }
    const gatewayPort = opts.gatewayPort ?? (fixed ? Number(env.PORT ?? 4000) : 0);
    const gateway = await listening('PORT', gatewayPort, host, () =>
      startGateway({
        supergraphSdl: opts.parts ? composeSupergraph(parts).supergraph : undefined,
        secret,
        subgraphUrls: urls,
        port: gatewayPort,
        host,
        env,
        upstreamCredentials,
        apis: parts,
        ...(transport === 'local' ? { inProcess } : {}),
      }),
    );
    closers.push((graceMs) => gateway.close(graceMs));
    return { gatewayUrl: gateway.url, emulators, subgraphs, transport, env, secret, close };
  } catch (err) {
    await close();
    throw err;
  }
}
