// The production commands as an operator runs them, each its own OS process (from source; the
// build test runs the same scripts compiled): `npm start` on configurable ports, the split shape
// (`npm run emulators`, `npm run subgraph -- <api>` ×4, `npm run gateway`), and configuration
// mistakes, each ending with one line naming the setting and exit code 1.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parts } from '../../stack/parts/index.ts';
import { emulatorPortVar, subgraphPortVar, subgraphUrlVar } from '../../stack/ports.ts';
import { runCommand, urlFrom, type Command } from '../helpers/process.ts';
import { gql } from '../helpers/stack.ts';

// each case starts Node processes that load the whole graph: seconds each on a busy machine
const SLOW = 180_000;
const SECRET = 'test-secret-0123456789abcdef';
const started: Command[] = [];
const run = (...a: Parameters<typeof runCommand>) => {
  const c = runCommand(...a);
  started.push(c);
  return c;
};
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(started.map((c) => c.kill()));
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** a port something else already listens on */
async function takenPort(): Promise<number> {
  const s = createServer();
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

const ACROSS_ALL = `{
  smmProviders { id balance { amount currency } }
  order(id: "102341285566") { id title status }
  matchIdStatus(matchId: "PAID_001") { state active }
  likenamaViewer { username coinCredit }
}`;
const TOKEN = { 'x-likenama-token': 'demo-phoebe-token' };

describe('configuration mistakes', () => {
  type Case = [string, string, string[], () => Promise<NodeJS.ProcessEnv>, string];
  const gateway = (name: string, env: () => Promise<NodeJS.ProcessEnv>, setting: string): Case => [
    `gateway, ${name}`,
    'scripts/gateway.ts',
    [],
    env,
    setting,
  ];
  const cases: Case[] = [
    gateway('without a secret', async () => ({ SUBGRAPH_SECRET: '' }), 'SUBGRAPH_SECRET'),
    gateway(
      'a subgraph URL that is no URL',
      async () => ({ SUBGRAPH_SECRET: SECRET, SUBGRAPH_URL_SMM: 'smm:4003' }),
      'SUBGRAPH_URL_SMM',
    ),
    gateway(
      'port in use',
      async () => ({ SUBGRAPH_SECRET: SECRET, PORT: String(await takenPort()) }),
      'PORT',
    ),
    gateway(
      'exposed without keys',
      async () => ({ SUBGRAPH_SECRET: SECRET, HOST: '0.0.0.0', PORT: '0' }),
      'GATEWAY_API_KEYS',
    ),
    [
      'subgraph without a name',
      'scripts/subgraph.ts',
      [],
      async () => ({ SUBGRAPH_SECRET: SECRET }),
      'subgraph name',
    ],
    [
      'subgraph without its upstream',
      'scripts/subgraph.ts',
      ['solmate'],
      async () => ({ SUBGRAPH_SECRET: SECRET, SOLMATE_URL: '' }),
      'SOLMATE_URL',
    ],
    [
      'subgraph, port in use',
      'scripts/subgraph.ts',
      ['likenama'],
      async () => ({
        SUBGRAPH_SECRET: SECRET,
        LIKENAMA_URL: 'http://127.0.0.1:1',
        PORT: String(await takenPort()),
      }),
      'PORT',
    ],
    [
      'npm start, an emulator port in use (a second stack)',
      'scripts/start.ts',
      [],
      async () => ({ PORT: '0', SOLSUB_EMULATOR_PORT: String(await takenPort()) }),
      'SOLSUB_EMULATOR_PORT',
    ],
    ['npm start, PORT out of range', 'scripts/start.ts', [], async () => ({ PORT: '70000' }), 'PORT'],
    ['npm start, WORKERS out of range', 'scripts/start.ts', [], async () => ({ WORKERS: '65' }), 'WORKERS'],
    [
      'npm start, a fixed subgraph port with WORKERS=2',
      'scripts/start.ts',
      [],
      async () => ({ PORT: '0', WORKERS: '2', SOLMATE_PORT: '4801' }),
      'SOLMATE_PORT',
    ],
    [
      'npm start, WORKERS=2 and the gateway port in use: one line, from the first worker',
      'scripts/start.ts',
      [],
      async () => ({ WORKERS: '2', STACK_PORTS: 'random', PORT: String(await takenPort()) }),
      'PORT',
    ],
  ];
  it.concurrent.each(cases)(
    '%s: one line naming the setting, exit 1',
    async (_name, script, args, envOf, setting) => {
      const cmd = run(script, args, await envOf());
      const { code } = await cmd.exited;
      const err = cmd.stderr().trim();
      expect(code).toBe(1);
      expect(err.split('\n')).toHaveLength(1);
      expect(err).toContain(`${setting}:`);
      expect(err).not.toMatch(/\bat .*:\d+:\d+/); // no stack frame
      expect(err).not.toContain(SECRET);
    },
    SLOW,
  );
});

describe('npm start with PORT=0', () => {
  it(
    'puts every part on a free port, honours a part set on its own, and serves all four APIs',
    async () => {
      const own = await takenPort();
      servers.pop()!.close(); // free it again: SOLMATE_PORT is set to a port known to be free now
      const cmd = run('scripts/start.ts', [], { PORT: '0', SOLMATE_PORT: String(own), WORKERS: '1' });
      const gatewayUrl = await urlFrom(cmd, 'gateway ready');
      const port = (msg: string) => Number(new URL(String(cmd.lines.find((l) => l.msg === msg)?.url)).port);
      for (const p of parts) {
        expect(port(`${p.name} emulator`)).not.toBe(p.defaultPort + 100);
        if (p.name !== 'solmate') expect(port(`${p.name} subgraph`)).not.toBe(p.defaultPort);
      }
      expect(port('solmate subgraph')).toBe(own);
      expect(new URL(gatewayUrl).port).not.toBe('4000');
      const r = await gql(gatewayUrl, ACROSS_ALL, undefined, TOKEN);
      expect(r.errors).toBeUndefined();
      cmd.child.kill('SIGTERM');
      expect((await cmd.exited).code).toBe(0);
    },
    SLOW,
  );
});

describe('split: emulators, four subgraphs and the gateway, each its own process', () => {
  it(
    'serves a query across all four APIs, with URLs and secret from the environment',
    async () => {
      const envFile = join(mkdtempSync(join(tmpdir(), 'emu-')), 'env.json');
      const emulators = run('scripts/emulators.ts', ['--env-json', envFile], { PORT: '0' });
      await emulators.waitFor((l) => l.msg === 'emulators ready');
      const upstreamEnv = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
      const subgraphs = parts.map((p) =>
        run('scripts/subgraph.ts', [p.name], { ...upstreamEnv, SUBGRAPH_SECRET: SECRET, PORT: '0' }),
      );
      const urls = await Promise.all(subgraphs.map((s, i) => urlFrom(s, `${parts[i]!.name} subgraph ready`)));
      for (const [i, p] of parts.entries()) expect(new URL(urls[i]!).port).not.toBe(String(p.defaultPort));
      const gateway = run('scripts/gateway.ts', [], {
        SUBGRAPH_SECRET: SECRET,
        PORT: '0',
        ...Object.fromEntries(parts.map((p, i) => [subgraphUrlVar(p), urls[i]])),
        // the gateway alone has no business with upstream settings
        ...Object.fromEntries(Object.keys(upstreamEnv).map((k) => [k, ''])),
      });
      const gatewayUrl = await urlFrom(gateway, 'gateway ready');
      const r = await gql(gatewayUrl, ACROSS_ALL, undefined, TOKEN);
      expect(r.errors).toBeUndefined();
      expect(r.data).toMatchObject({
        matchIdStatus: { state: 'PAID_ACTIVE' },
        likenamaViewer: { username: expect.any(String) },
      });
      // a subgraph answers only its gateway
      const direct = await gql(urls[0]!, '{ __typename }');
      expect(direct.status).toBe(401);
      for (const c of [gateway, ...subgraphs, emulators]) c.child.kill('SIGTERM');
      for (const c of [gateway, ...subgraphs, emulators]) expect((await c.exited).code).toBe(0);
    },
    SLOW,
  );
});

it('names one port variable per part, derived from the parts list', () => {
  expect(parts.map(subgraphPortVar)).toEqual(parts.map((p) => `${p.name.toUpperCase()}_PORT`));
  expect(new Set([...parts.map(subgraphPortVar), ...parts.map(emulatorPortVar), 'PORT']).size).toBe(
    parts.length * 2 + 1,
  );
});
