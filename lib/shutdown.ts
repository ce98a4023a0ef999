import type { Server } from 'node:http';
import { envInt } from './env.ts';
import { logger } from './logger.ts';

export const shutdownTimeoutMs = (env: NodeJS.ProcessEnv = process.env) =>
  envInt('SHUTDOWN_TIMEOUT_MS', 10_000, env);

/**
 * Stops accepting connections, lets requests in flight finish for up to `graceMs`, then cuts
 * whatever is left. Idle keep-alive connections are closed as soon as they go idle, so a
 * client's pooled connection cannot hold the server open. Resolves with the number of
 * connections that had to be cut.
 */
export async function closeGracefully(http: Server, graceMs: number): Promise<number> {
  if (!http.listening) return 0;
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  if (graceMs <= 0) {
    http.closeAllConnections();
    await closed;
    return 0;
  }
  http.closeIdleConnections();
  const sweep = setInterval(() => http.closeIdleConnections(), 25);
  let cut = 0;
  const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref());
  try {
    if ((await Promise.race([closed.then(() => 'done' as const), deadline])) === 'late') {
      cut = await new Promise<number>((resolve) => http.getConnections((_e, n) => resolve(n ?? 0)));
      http.closeAllConnections();
      await closed;
    }
  } finally {
    clearInterval(sweep);
  }
  return cut;
}

/**
 * Runs `stop` once on SIGTERM or SIGINT with the remaining grace time, then exits 0; exits 1
 * if stopping itself hangs past the deadline. A repeated SIGTERM is ignored; a second SIGINT ends
 * the process at once.
 */
export function exitOnSignals(stop: (graceMs: number) => Promise<void>, graceMs = shutdownTimeoutMs()): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs }, 'shutting down: finishing requests in flight');
    setTimeout(() => {
      logger.error({ graceMs }, 'shutdown did not finish in time');
      process.exit(1);
    }, graceMs + 5_000).unref();
    stop(graceMs).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // SIGTERM stays handled while draining: a supervisor that signals every process of the group
  // (systemd's default KillMode, timeout(1)) reaches a cluster worker as well as its primary,
  // which sends its own; Node's default action on the second would end the drain as a death by
  // signal. A second Ctrl-C still stops at once, as a terminal user expects.
  process.on('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
