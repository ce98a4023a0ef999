import type { Server } from 'node:http';
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

export function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const http = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(http)));
    // keep-alive sockets from the gateway should outlive its own idle timeout
    http.keepAliveTimeout = 65_000;
  });
}
