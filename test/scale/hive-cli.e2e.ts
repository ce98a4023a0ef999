// Hive Gateway's own CLI, as the README tells an operator to run it (`npx hive-gateway
// supergraph` with our gateway.config.ts, from the repository root), in front of our four
// subgraphs: one query per API answers through it, and it adds the subgraph secret (a subgraph
// asked without it answers 401).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../stack/index.ts';
import { parts } from '../../stack/parts/index.ts';
import { subgraphUrlVar } from '../../stack/ports.ts';
import { freePort } from '../helpers/process.ts';
import { ROOT } from '../helpers/process.ts';
import { gql, startTestStack } from '../helpers/stack.ts';

const BIN = fileURLToPath(new URL('node_modules/.bin/hive-gateway', ROOT));
// Hive's logger knows trace…error and false: our own `silent` (the test default) makes the CLI
// refuse to start, so it gets a level of its own
const HIVE_ENV = { ...process.env, LOG_LEVEL: 'warn' };
// the only reason to skip: the CLI itself does not run on this Node (never in CI)
const version = spawnSync(process.execPath, [BIN, '--version'], {
  cwd: ROOT,
  env: HIVE_ENV,
  encoding: 'utf8',
});
const cannotStart =
  version.status === 0 || process.env.CI
    ? undefined
    : `hive-gateway does not start on Node ${process.version}: ${version.stderr.trim().split('\n').pop()}`;
if (cannotStart) console.warn(`${cannotStart}: the Hive Gateway CLI test is skipped`);

let stack: Stack;
let hive: ChildProcess | undefined;
let hiveUrl = '';
let output = '';

beforeAll(async () => {
  if (cannotStart) return;
  stack = await startTestStack();
  const port = await freePort();
  hive = spawn(process.execPath, [BIN, 'supergraph'], {
    cwd: ROOT,
    env: {
      ...HIVE_ENV,
      SUBGRAPH_SECRET: stack.secret,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...Object.fromEntries(parts.map((p) => [subgraphUrlVar(p), stack.subgraphs[p.name]!.url])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  hive.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  hive.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  // Hive Gateway's /readiness answers 200 once the supergraph is loaded
  for (const until = Date.now() + 90_000; ;) {
    if (hive.exitCode !== null) throw new Error(`hive-gateway exited (${hive.exitCode}): ${output}`);
    const ok = await request(`${base}/readiness`)
      .then(async (r) => (await r.body.text(), r.statusCode === 200))
      .catch(() => false);
    if (ok) break;
    if (Date.now() > until) throw new Error(`hive-gateway did not get ready: ${output}`);
    await sleep(100);
  }
  hiveUrl = `${base}/graphql`;
}, 120_000);

afterAll(async () => {
  if (hive && hive.exitCode === null) {
    const exited = new Promise((r) => hive!.once('exit', r));
    hive.kill('SIGKILL');
    await exited;
  }
  await stack?.close();
});

const QUERIES: Array<[string, string, Record<string, string>?]> = [
  ['smm', '{ smmProviders { id balance { amount currency } } }'],
  ['solmate', '{ order(id: "102341285566") { id title status } }'],
  ['solsub', '{ matchIdStatus(matchId: "PAID_001") { state active } }'],
  ['likenama', '{ likenamaViewer { username coinCredit } }', { 'x-likenama-token': 'demo-phoebe-token' }],
];

describe.skipIf(cannotStart)('hive-gateway supergraph with gateway.config.ts', () => {
  it('covers every API of the registry', () => {
    expect(QUERIES.map(([api]) => api).sort()).toEqual(parts.map((p) => p.name).sort());
  });

  it.each(QUERIES)('answers a %s query exactly as our gateway does', async (_api, query, headers) => {
    const theirs = await gql(hiveUrl, query, undefined, headers);
    const ours = await gql(stack.gatewayUrl, query, undefined, headers);
    expect(theirs.status).toBe(200);
    expect(theirs.errors).toBeUndefined();
    expect(Object.values(theirs.data!)[0]).toBeTruthy();
    expect(theirs.data).toEqual(ours.data);
  });

  it('adds the subgraph secret, without which a subgraph answers 401', async () => {
    for (const p of parts) {
      const direct = await gql(stack.subgraphs[p.name]!.url, '{ __typename }');
      expect(direct.status).toBe(401);
    }
    // the same subgraphs answered Hive Gateway above: the secret was on its requests
    const through = await gql(hiveUrl, '{ adDistricts { value } }');
    expect(through.errors).toBeUndefined();
  });
});
