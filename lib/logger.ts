import cluster from 'node:cluster';
import { pino } from 'pino';
import { currentRequestId } from './request-context.ts';

type LogTap = (line: string) => void;
const taps = new Set<LogTap>();
let muted = 0;
const stdout = pino.destination({ fd: process.stdout.fd || 1 });
// Every line passes through here so tests can read exactly what would be written.
const sink = {
  write(line: string) {
    for (const tap of taps) tap(line);
    if (muted === 0) stdout.write(line);
  },
};

/**
 * Calls `tap` with every serialised log line from now on (tests scan them); `mute` also stops
 * writing them to stdout while the tap is on. Returns the function that removes the tap.
 */
export function tapLogs(tap: LogTap, opts: { mute?: boolean } = {}): () => void {
  taps.add(tap);
  if (opts.mute) muted++;
  let on = true;
  return () => {
    if (!on) return;
    on = false;
    taps.delete(tap);
    if (opts.mute) muted--;
  };
}

/**
 * One JSON logger for the whole process. Credential-bearing fields are redacted by path as
 * a second line of defence; the first is that no code logs headers or request bodies.
 */
export const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
    // under WORKERS > 1, which of the processes sharing the port wrote the line
    base: {
      service: process.env.SERVICE_NAME ?? 'rest-federation',
      ...(cluster.isWorker ? { worker: cluster.worker!.id, pid: process.pid } : {}),
    },
    redact: {
      paths: [
        'key',
        '*.key',
        'authorization',
        '*.authorization',
        'headers',
        '*.headers',
        'password',
        '*.password',
        'token',
        '*.token',
      ],
      censor: '[redacted]',
    },
    // the request id follows the request through the gateway, the subgraph and its upstream calls
    mixin() {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
  },
  sink,
);
