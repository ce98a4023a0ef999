// No credential ever leaves: the stack runs with every credential set to a unique sentinel (server
// side: SMM keys, Solmate user and password, SolSub key; per request: x-smm-key-*, the Likenama
// token, credential-like arguments; plus the gateway API key and the subgraph secret). Every
// query and mutation of every API present is driven through success, every emulator fault and
// upstreams that echo the whole request back; then every response body and header and every
// log line (pino, console, stdout, stderr) is scanned for the sentinels in any encoding.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Emulator, FaultKind } from '../../emulators/shared/emulator.ts';
import { parts } from '../../stack/parts/index.ts';
import { logger, tapLogs } from '../../lib/logger.ts';
import { useStack } from '../helpers/use-stack.ts';
import { rowOf, type ApiName } from './apis.ts';
import { apiSchemaOf, opsUrl } from './helpers.ts';
import {
  ECHO_MODES,
  formsOf,
  generateOps,
  rootFieldsOf,
  scan,
  sentinel,
  SentinelProxy,
  type EchoMode,
} from './sentinel-kit.ts';

const GATEWAY_KEY = sentinel('gateway_key');
const WRONG_KEY = sentinel('wrong_key');
const SUBGRAPH_SECRET = sentinel('subgraph_secret');
const CREDENTIAL_VAR = /(KEY|PASSWORD|TOKEN|SECRET|USER)/;
const FAULT_KINDS: FaultKind[] = [
  'status',
  'reset',
  'malformed',
  'html',
  'rateLimit',
  'wrongShape',
  'latency',
];

interface Op {
  api: ApiName;
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

const captured: Array<{ where: string; text: string }> = [];
const proxies = new Map<ApiName, SentinelProxy>();
const emulators: Emulator[] = [];
const argSentinels: string[] = [];
const callerHeaders: Record<string, string> = {};
const answered = new Map<ApiName, number>();
let ops: Op[] = [];
const restore: Array<() => void> = [];

function capture() {
  logger.level = 'trace';
  restore.push(tapLogs((line) => captured.push({ where: 'log', text: line }), { mute: true }));
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push({
        where: `console.${method}`,
        text: args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' '),
      });
    });
    restore.push(() => spy.mockRestore());
  }
  for (const stream of [process.stdout, process.stderr]) {
    const spy = vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      captured.push({ where: stream === process.stdout ? 'stdout' : 'stderr', text: String(chunk) });
      return true;
    });
    restore.push(() => spy.mockRestore());
  }
}

const env: NodeJS.ProcessEnv = {
  UPSTREAM_TIMEOUT_MS: '300',
  UPSTREAM_READ_RETRIES: '0',
  BREAKER_THRESHOLD: '0',
  GATEWAY_API_KEYS: GATEWAY_KEY,
  SUBGRAPH_SECRET,
};

beforeAll(async () => {
  capture();
  for (const part of parts) {
    const row = rowOf(part.name);
    const { emulator, env: overlay } = await part.startEmulator({ port: 0 });
    emulators.push(emulator);
    const demos = row.credentials
      ? row.credentials(overlay)
      : Object.entries(overlay)
          .filter(([k]) => CREDENTIAL_VAR.test(k))
          .map(([, v]) => v);
    const map = new Map<string, string>();
    demos.forEach((demo, i) => map.set(sentinel(`${part.name}_${i}`), demo));
    for (const [header, demo] of Object.entries(row.callerCredentials ?? {})) {
      const s = sentinel(`${part.name}_${header}`);
      map.set(s, demo);
      callerHeaders[header] = s;
    }
    const proxy = new SentinelProxy(emulator.url, map);
    await proxy.listen();
    proxies.set(part.name, proxy);
    for (const [k, v] of Object.entries(overlay)) {
      let value = v.split(emulator.url).join(proxy.url);
      for (const [s, demo] of map) value = value.split(demo).join(s);
      env[k] = value;
    }
  }
  const schema = apiSchemaOf(parts);
  for (const part of parts) {
    const row = rowOf(part.name);
    for (const [i, op] of (row.operations ?? []).entries())
      ops.push({ api: part.name, name: `operation ${i}`, ...op });
    const generated = generateOps(schema, rootFieldsOf(readFileSync(part.schemaUrl, 'utf8')), {
      byName: row.argValues ?? {},
      credential: (name) => {
        const s = sentinel(`arg_${name}`);
        argSentinels.push(s);
        return s;
      },
    });
    ops = ops.concat(
      generated.map((g) => ({ api: part.name, name: g.field, query: g.query, variables: g.variables })),
    );
  }
});

afterAll(async () => {
  for (const p of proxies.values()) await p.close();
  for (const e of emulators) await e.close();
  for (const r of restore.reverse()) r();
});
// after the hooks above: started once the sentinel proxies listen (env points at them, hence
// forceEmulators: false), closed before they stop and before the captured output is restored
const h = useStack(parts, { forceEmulators: false, env });

async function send(op: Op, phase: string, headers: Record<string, string>) {
  const res = await request(h.stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}`, ...headers },
    body: JSON.stringify({ query: op.query, variables: op.variables }),
  });
  const body = await res.body.text();
  captured.push({ where: `response body (${phase}, ${op.api} ${op.name})`, text: body });
  captured.push({
    where: `response headers (${phase}, ${op.api} ${op.name})`,
    text: JSON.stringify(res.headers),
  });
  return { status: res.statusCode, body };
}

const runAll = (phase: string, headers: Record<string, string>) =>
  Promise.all(ops.map((op) => send(op, phase, headers)));

describe('credentials set to sentinels', () => {
  it('drives every operation to success', async () => {
    for (const headers of [callerHeaders, {}]) {
      const results = await runAll(
        `success${Object.keys(headers).length ? ' with caller keys' : ''}`,
        headers,
      );
      results.forEach((r, i) => {
        const parsed = JSON.parse(r.body) as { data?: Record<string, unknown> | null; errors?: unknown[] };
        if (r.status === 200 && !parsed.errors && parsed.data)
          answered.set(ops[i]!.api, (answered.get(ops[i]!.api) ?? 0) + 1);
      });
    }
    // every API answered real data with the sentinel credentials (the proxy mapped them)
    for (const part of parts) expect(answered.get(part.name) ?? 0, part.name).toBeGreaterThan(0);
  });

  it.each(FAULT_KINDS)('drives every operation into the %s fault', async (kind) => {
    for (const e of emulators) e.setFault({ kind, ...(kind === 'latency' ? { ms: 1000 } : {}) });
    try {
      await runAll(`fault ${kind}`, callerHeaders);
    } finally {
      for (const e of emulators) e.clearFaults();
    }
  });

  it.each(ECHO_MODES.map((m) => [`${m.status} ${m.type}`, m] as [string, EchoMode]))(
    'drives every operation into upstreams that echo the request back (%s)',
    async (_label, mode) => {
      for (const p of proxies.values()) p.echo = mode;
      try {
        await runAll(`echo ${mode.status} ${mode.type} with caller keys`, callerHeaders);
        await runAll(`echo ${mode.status} ${mode.type}`, {});
      } finally {
        for (const p of proxies.values()) p.echo = null;
      }
    },
  );

  it('refuses callers with a wrong key or none', async () => {
    const op = ops[0]!;
    for (const authorization of [`Bearer ${WRONG_KEY}`, WRONG_KEY, '']) {
      const res = await request(h.stack.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
          ...callerHeaders,
        },
        body: JSON.stringify({ query: op.query, variables: op.variables }),
      });
      expect(res.statusCode).toBe(401);
      captured.push({ where: 'response body (401)', text: await res.body.text() });
      captured.push({ where: 'response headers (401)', text: JSON.stringify(res.headers) });
    }
  });

  it('serves /health, /ready and /metrics', async () => {
    for (const path of ['/health', '/ready', '/metrics']) {
      const res = await request(opsUrl(h.stack, path), {
        headers: { authorization: `Bearer ${GATEWAY_KEY}` },
      });
      expect(res.statusCode).toBe(200);
      captured.push({ where: `${path} body`, text: await res.body.text() });
    }
  });

  it('used every credential sentinel upstream', () => {
    for (const [api, proxy] of proxies) {
      const expected = [...proxy.sentinels()];
      expect([...proxy.seen].sort(), api).toEqual(expected.sort());
    }
  });

  it('finds a sentinel in any encoding (the scan can fail)', () => {
    const s = [...proxies.values()][0]!.seen.values().next().value!;
    for (const form of formsOf(s))
      expect(scan([{ where: 'planted', text: `x${form}x` }], needles())).toHaveLength(1);
  });

  it('finds no sentinel in any response body, response header or log line', () => {
    expect(captured.filter((c) => c.where === 'log').length).toBeGreaterThan(ops.length);
    expect(captured.some((c) => c.where === 'log' && c.text.includes('"upstream call"'))).toBe(true);
    // the echoes did reach the callers, scrubbed
    expect(
      captured.some((c) => c.where.startsWith('response body (echo') && c.text.includes('[redacted]')),
    ).toBe(true);
    expect(scan(captured, needles())).toEqual([]);
  });
});

function needles(): string[] {
  const secrets = [GATEWAY_KEY, WRONG_KEY, SUBGRAPH_SECRET, ...argSentinels];
  for (const proxy of proxies.values()) {
    secrets.push(...proxy.sentinels());
  }
  const out = secrets.flatMap(formsOf);
  for (const proxy of proxies.values()) for (const h of proxy.authHeaders) out.push(h.replace(/^\S+\s+/, ''));
  return [...new Set(out)];
}
