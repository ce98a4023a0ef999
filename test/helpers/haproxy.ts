import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const HAPROXY_BIN = ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy'].find((p) =>
  existsSync(p),
);

/** One load-balanced group: a frontend on `port` and a backend of `servers` (name → port). */
export interface Pool {
  name: string;
  port: number;
  servers: Record<string, number>;
}

/**
 * An HAProxy configuration as we recommend it in front of gateways and subgraph replicas:
 * health checks on /health, and retries that never send a request twice. A connection that
 * failed carried nothing, so it is always retried on another server; a request that reached a
 * server which then died (empty or broken answer, 502/503/504, timeout) is retried only when it
 * is a GET or HEAD. Every GraphQL POST — a mutation, but also every gateway→subgraph fetch,
 * queries included, since @apollo/gateway always POSTs — is answered 502 instead.
 */
export function haproxyConfig(pools: Pool[], statsSocket: string): string {
  const out = [
    'global',
    `  stats socket ${statsSocket} mode 600 level admin`,
    '  maxconn 4096',
    // HAPROXY_LOG=1: one line per request on stderr (termination state tells who cut what)
    ...(process.env.HAPROXY_LOG === '1' ? ['  log stderr format raw local0'] : []),
    'defaults',
    '  mode http',
    ...(process.env.HAPROXY_LOG === '1' ? ['  log global', '  option httplog'] : []),
    '  timeout connect 1s',
    // longer than any client's idle keep-alive (undici: 4 s by default, the gateway's agent 30 s),
    // so HAProxy never closes a connection a client is about to reuse
    '  timeout client 90s',
    '  timeout http-keep-alive 90s',
    '  timeout server 30s',
    // a killed process refuses the check at once, whatever this is: it only decides how long a
    // process starved of CPU may take to answer /health before it is taken out of rotation
    '  timeout check 10s',
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response junk-response response-timeout 502 503 504',
    '  option httpchk GET /health',
    '  http-check expect status 200',
    // fast: a killed process is taken out within ~2 checks, a restarted one back after one
    '  default-server check inter 250ms fastinter 100ms downinter 100ms fall 2 rise 1',
  ];
  for (const p of pools) {
    out.push(`frontend ${p.name}`, `  bind 127.0.0.1:${p.port}`, `  default_backend ${p.name}`);
    out.push(`backend ${p.name}`, '  balance roundrobin', '  http-request disable-l7-retry if !METH_GET');
    for (const [name, port] of Object.entries(p.servers)) out.push(`  server ${name} 127.0.0.1:${port}`);
  }
  return out.join('\n') + '\n';
}

/** One row of `show stat`: a frontend, a backend or a server, by column name. */
export type StatRow = Record<string, string>;

export interface TestHaproxy {
  proc: ChildProcess;
  /** `show stat` from the stats socket */
  stats(): Promise<StatRow[]>;
  /** the state HAProxy's health checks give each server of `pool` (UP, DOWN, …) */
  serverStates(pool: string): Promise<Record<string, string>>;
  /** polls the stats socket until `ok` accepts the states of `pool`'s servers */
  waitForStates(
    pool: string,
    ok: (states: Record<string, string>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

async function command(socket: string, cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let out = '';
    c.on('data', (d) => (out += d.toString()));
    c.on('end', () => resolve(out));
    c.on('error', reject);
    c.write(`${cmd}\n`);
  });
}

/** HAProxy on loopback with `pools`, in the foreground; resolves once its stats socket answers. */
export async function startHaproxy(pools: Pool[]): Promise<TestHaproxy> {
  if (!HAPROXY_BIN) throw new Error('haproxy is not installed (apt-get install haproxy)');
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-'));
  const socket = join(dir, 'stats.sock');
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig(pools, socket));
  const proc = spawn(HAPROXY_BIN, ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (process.env.HAPROXY_LOG === '1') process.stderr.write(d);
  });
  const exited = new Promise((r) => proc.once('exit', r));
  const stats = async (): Promise<StatRow[]> => {
    const [head, ...rows] = (await command(socket, 'show stat')).trim().split('\n');
    const cols = head!.replace(/^# /, '').split(',');
    return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i] ?? String(i), v])));
  };
  const serverStates = async (pool: string) =>
    Object.fromEntries(
      (await stats())
        .filter((r) => r.pxname === pool && r.svname !== 'FRONTEND' && r.svname !== 'BACKEND')
        .map((r) => [r.svname!, r.status!.split(' ')[0]!]),
    );
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    try {
      await stats();
      break;
    } catch {
      // the socket appears once HAProxy has parsed its configuration and bound its ports
      if (i > 200) throw new Error(`haproxy did not start: ${stderr}`);
      await sleep(25);
    }
  }
  return {
    proc,
    stats,
    serverStates,
    async waitForStates(pool, ok, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const states = await serverStates(pool);
        if (ok(states)) return states;
        if (Date.now() > until)
          throw new Error(`${pool}: servers still ${JSON.stringify(states)} after ${timeoutMs} ms`);
        await sleep(20); // polling HAProxy's own view of its health checks
      }
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
