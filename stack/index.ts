import { randomBytes } from 'node:crypto';
import { requestDeadlineMs } from '../lib/deadline.ts';
import type { Emulator } from '../emulators/shared/emulator.ts';
import { serverSideCredentials } from '../gateway/access.ts';
import { startGateway } from '../gateway/server.ts';
import { breakerSettingsFromEnv, configureBreakers } from '../subgraphs/shared/breaker.ts';
import { closeAllPools } from '../subgraphs/shared/http.ts';
import { type RunningService } from '../lib/listen.ts';
import { listenSubgraph } from '../subgraphs/shared/serve.ts';
import { composeSupergraph } from './compose.ts';
import type { StackPart } from './part.ts';
import { parts as allParts } from './parts/index.ts';
import { listening } from '../lib/config.ts';
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
}

export interface Stack {
  gatewayUrl: string;
  emulators: Partial<Record<StackPart['name'], Emulator>>;
  subgraphs: Partial<Record<StackPart['name'], RunningService>>;
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
  const emulators: Stack['emulators'] = {};
  const subgraphs: Stack['subgraphs'] = {};
  const closers: Array<(graceMs: number) => Promise<void>> = [];
  const close = async (graceMs = 0) => {
    const deadline = Date.now() + graceMs;
    for (const c of [...closers].reverse()) await c(Math.max(0, deadline - Date.now())).catch(() => {});
    await closeAllPools();
  };
  // before emulators add their demo credentials: only the operator's own ones count
  const upstreamCredentials = serverSideCredentials(env, parts);
  configureBreakers(breakerSettingsFromEnv(env));
  try {
    for (const part of parts) {
      if (opts.forceEmulators || part.needsEmulator(env)) {
        const port = portOf('emulator', part);
        const started = await listening(portVar('emulator', part), port, '127.0.0.1', () =>
          part.startEmulator({ port, latencyMs: opts.emulatorLatencyMs }),
        );
        // a part outside the registry (a test's extra API) is kept under its own name too
        (emulators as Record<string, Emulator>)[part.name] = started.emulator;
        closers.push(() => started.emulator.close());
        Object.assign(env, started.env);
      }
    }
    const urls: Record<string, string> = {};
    for (const part of parts) {
      const def = part.subgraph(env);
      const port = portOf('subgraph', part);
      const running = await listening(portVar('subgraph', part), port, '127.0.0.1', () =>
        listenSubgraph(def, { port, secret, deadlineMs: requestDeadlineMs(env) }),
      );
      (subgraphs as Record<string, RunningService>)[part.name] = running;
      urls[part.name] = running.url;
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
      }),
    );
    closers.push((graceMs) => gateway.close(graceMs));
    return { gatewayUrl: gateway.url, emulators, subgraphs, env, secret, close };
  } catch (err) {
    await close();
    throw err;
  }
}
