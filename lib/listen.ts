import { createServer, type Server } from 'node:http';
import type express from 'express';

export interface RunningService {
  url: string;
  port: number;
  /**
   * Stops accepting; with `graceMs` > 0, requests in flight get that long to finish before
   * their connections are cut (SIGTERM), otherwise everything is cut at once (tests).
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * `exclusive`: in a cluster worker (WORKERS > 1), a socket of this process alone instead of the
 * port shared by every worker (each worker's gateway calls its own subgraphs); no effect otherwise.
 */
export function listen(
  app: express.Express,
  port: number,
  host: string,
  opts: { exclusive?: boolean } = {},
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const http = createServer(app);
    // keep-alive sockets from the gateway should outlive its own idle timeout
    http.keepAliveTimeout = 65_000;
    http.once('error', reject);
    http.listen({ port, host, exclusive: opts.exclusive ?? false }, () => {
      http.off('error', reject);
      resolve(http);
    });
  });
}
