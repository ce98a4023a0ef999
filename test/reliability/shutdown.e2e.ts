// Graceful shutdown of `npm start` (scripts/start.ts) in a child process on free ports: on
// SIGTERM it stops accepting, lets the request in flight finish, and exits 0; a request still
// running at SHUTDOWN_TIMEOUT_MS is cut and the process exits anyway.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fault, RecordedRequest } from '../../emulators/shared/emulator.ts';
import { gql } from '../helpers/stack.ts';

const ROOT = new URL('../../', import.meta.url);

interface Started {
  child: ChildProcess;
  gatewayUrl: string;
  smmEmulatorUrl: string;
  lines: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

let running: ChildProcess | undefined;
afterEach(() => {
  if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
  running = undefined;
});

async function startChild(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, STACK_PORTS: 'random', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  const lines: Array<Record<string, unknown>> = [];
  const exited = new Promise<Started extends { exited: Promise<infer T> } ? T : never>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const urls = await new Promise<{ gateway: string; smm: string }>((resolve, reject) => {
    let smm = '';
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      lines.push(parsed);
      if (parsed.msg === 'smm emulator') smm = String(parsed.url);
      if (String(parsed.msg).startsWith('gateway ready')) resolve({ gateway: String(parsed.url), smm });
    });
    void exited.then(({ code }) =>
      reject(new Error(`start.ts exited (${code}) before it was ready: ${stderr}`)),
    );
  });
  return { child, gatewayUrl: urls.gateway, smmEmulatorUrl: urls.smm, lines, exited };
}

async function control(emulatorUrl: string, path: string, body?: Fault) {
  const res = await request(`${emulatorUrl}/__emulator/${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.body.json();
}

async function untilUpstreamSees(emulatorUrl: string, action: string) {
  for (let i = 0; i < 200; i++) {
    const recorded = (await control(emulatorUrl, 'requests')) as RecordedRequest[];
    if (recorded.some((r) => r.action === action)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the emulator never saw ${action}`);
}

/** Resolves once a new connection to `url` is refused (the listener closed). */
async function untilRefused(url: string) {
  for (let i = 0; i < 200; i++) {
    // a connection caught in the closing listener may hang or be reset: bounded, then tried again
    const fresh = new Agent({ connectTimeout: 2000, headersTimeout: 2000, bodyTimeout: 2000 });
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: fresh,
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      await res.body.dump();
    } catch (err) {
      // refused: the listener is closed. Anything else (reset, closed unanswered, timed out) is a
      // connection caught as the listener closed: try again
      if ((err as { code?: string }).code === 'ECONNREFUSED') return;
    } finally {
      await fresh.destroy();
    }
  }
  throw new Error(`${url} still accepted connections after 200 tries`);
}

const BALANCE = '{ smmBalance(provider: "sosyal") { amount currency } }';

// each test starts the whole stack from source in a child process: on a loaded machine that
// alone can take most of the default 30 s
describe('SIGTERM', { timeout: 90_000 }, () => {
  it('stops accepting, finishes the request in flight, and exits 0', async () => {
    const s = await startChild({ SHUTDOWN_TIMEOUT_MS: '8000' });
    await control(s.smmEmulatorUrl, 'faults', { kind: 'latency', ms: 1200, match: 'sosyal/balance' });
    const inFlight = gql(s.gatewayUrl, BALANCE);
    await untilUpstreamSees(s.smmEmulatorUrl, 'sosyal/balance');

    let answered = false;
    void inFlight.then(
      () => (answered = true),
      () => (answered = true),
    );
    const signalled = Date.now();
    s.child.kill('SIGTERM');
    // new connections are refused while the request in flight (held 1200 ms) is still running
    await untilRefused(s.gatewayUrl);
    expect(answered).toBe(false);

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ smmBalance: { amount: '100.84292', currency: 'USD' } });

    const exit = await s.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalled).toBeLessThan(8000);
    expect(s.lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['shutting down: finishing requests in flight', 'stopped']),
    );
  });

  it('cuts a request still running at SHUTDOWN_TIMEOUT_MS and exits anyway', async () => {
    const s = await startChild({ SHUTDOWN_TIMEOUT_MS: '800', UPSTREAM_TIMEOUT_MS: '30000' });
    await control(s.smmEmulatorUrl, 'faults', { kind: 'hang', match: 'sosyal/balance' });
    const inFlight = gql(s.gatewayUrl, BALANCE).then(
      () => 'answered',
      () => 'cut',
    );
    await untilUpstreamSees(s.smmEmulatorUrl, 'sosyal/balance');

    const signalled = Date.now();
    s.child.kill('SIGTERM');
    const exit = await s.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalled).toBeGreaterThanOrEqual(700);
    expect(exit.at - signalled).toBeLessThan(4000);
    expect(await inFlight).toBe('cut');
    expect(s.lines.some((l) => l.msg === 'gateway cut requests still running at the deadline')).toBe(true);
  });
});
