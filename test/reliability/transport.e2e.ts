// SUBGRAPH_TRANSPORT: the gateway calls the subgraphs of its own process in-process (`local`, the
// default) or over their loopback ports (`http`, as a split deployment does). Both must look the
// same from every side: what the subgraph is sent, what the caller gets back. The gateway suites
// run in both modes as vitest projects (vitest.config.ts); this one sets the two side by side.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PANELS } from '../../emulators/smm/index.ts';
import { startGateway } from '../../gateway/server.ts';
import type { SubgraphTransport } from '../../lib/config.ts';
import { DEADLINE_HEADER } from '../../lib/deadline.ts';
import type { RunningService } from '../../lib/listen.ts';
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';
import { composeSupergraph } from '../../stack/compose.ts';
import type { Stack } from '../../stack/index.ts';
import type { StackPart } from '../../stack/part.ts';
import { likenamaPart } from '../../stack/parts/likenama.ts';
import { smmPart } from '../../stack/parts/smm.ts';
import { solmatePart } from '../../stack/parts/solmate.ts';
import { solsubPart } from '../../stack/parts/solsub.ts';
import { gql, startTestStack, type GqlResult } from '../helpers/stack.ts';

const MODES: SubgraphTransport[] = ['local', 'http'];
type Headers = Record<string, string | string[] | undefined>;

/** every request's headers as the SMM subgraph's context function received them, per mode */
const seen: Record<SubgraphTransport, Headers[]> = { local: [], http: [] };
const spied = (mode: SubgraphTransport): StackPart<string> => ({
  ...smmPart,
  subgraph: async (env) => {
    const def = await smmPart.subgraph(env);
    return {
      ...def,
      context: (req) => {
        seen[mode].push({ ...req.headers });
        return def.context(req);
      },
    };
  },
});
const partsOf = (mode: SubgraphTransport) => [spied(mode), solmatePart, likenamaPart, solsubPart];

const stacks = {} as Record<SubgraphTransport, Stack>;
/** TCP connections accepted by each SMM subgraph's own port */
const accepted: Record<SubgraphTransport, number> = { local: 0, http: 0 };
const onSocket = (msg: unknown) => {
  const port = (msg as { socket: Socket }).socket.localPort;
  for (const mode of MODES) if (port === stacks[mode]?.subgraphs.smm?.port) accepted[mode]++;
};

beforeAll(async () => {
  subscribe('net.server.socket', onSocket);
  for (const mode of MODES) stacks[mode] = await startTestStack({ parts: partsOf(mode), transport: mode });
});
afterAll(async () => {
  unsubscribe('net.server.socket', onSocket);
  for (const mode of MODES) await stacks[mode]?.close();
});

/** one request against both stacks, each emulator reset first */
async function both(
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Record<SubgraphTransport, GqlResult>> {
  const out = {} as Record<SubgraphTransport, GqlResult>;
  for (const mode of MODES) {
    for (const e of Object.values(stacks[mode].emulators)) e!.reset();
    out[mode] = await gql(stacks[mode].gatewayUrl, query, variables, headers);
  }
  return out;
}

/** what a caller can compare across the two stacks: status, data and errors, ports left out */
const answer = (r: GqlResult, stack: Stack) => {
  let text = JSON.stringify({ status: r.status, data: r.data, errors: r.errors });
  for (const s of Object.values(stack.subgraphs)) text = text.replaceAll(String(s!.port), '<port>');
  return JSON.parse(text) as unknown;
};
const same = (r: Record<SubgraphTransport, GqlResult>) =>
  expect(answer(r.local, stacks.local)).toEqual(answer(r.http, stacks.http));

const BALANCE = '{ smmBalance(provider: "sosyal") { amount } }';
const CREDENTIALS = {
  'x-smm-key-sosyal': DEMO_PANELS[0]!.key,
  'x-solmate-authorization': 'Basic ZGVtbzpkZW1v',
  'x-likenama-token': 'demo-phoebe-token',
  authorization: 'Bearer not-for-any-subgraph',
  'x-request-id': 'transport-1',
};

describe('in-process subgraphs (SUBGRAPH_TRANSPORT=local)', () => {
  it('answers a gateway query without a connection to the subgraph port; http mode makes one', async () => {
    const before = { ...accepted };
    const r = await both(BALANCE);
    expect(r.local.data).toEqual({ smmBalance: { amount: '100.84292' } });
    same(r);
    expect(accepted.local - before.local).toBe(0);
    expect(accepted.http - before.http).toBeGreaterThan(0);
  });

  it('hands the subgraph only its own credential header, the secret, the request id and the budget', async () => {
    for (const mode of MODES) seen[mode].length = 0;
    same(await both(BALANCE, undefined, { ...CREDENTIALS, [DEADLINE_HEADER]: '3000' }));
    for (const mode of MODES) {
      const [headers] = seen[mode];
      expect(seen[mode], mode).toHaveLength(1);
      expect(headers!['x-smm-key-sosyal'], mode).toBe(DEMO_PANELS[0]!.key);
      expect(headers![GATEWAY_SECRET_HEADER], mode).toBe(stacks[mode].secret);
      expect(headers!['x-request-id'], mode).toBe('transport-1');
      const budget = Number(headers![DEADLINE_HEADER]);
      expect(budget, mode).toBeGreaterThan(0);
      expect(budget, mode).toBeLessThanOrEqual(3000);
      for (const other of ['x-solmate-authorization', 'x-likenama-token', 'authorization'])
        expect(headers![other], `${mode}: ${other}`).toBeUndefined();
    }
  });

  it('takes the subgraph result as a value, which reads as the HTTP body: data, errors, refusals', async () => {
    const smm = stacks.local.subgraphs.smm!;
    const query =
      '{ smmBalance(provider: "sosyal") { amount } smmOrder(provider: "sosyal", id: "99999999") { id } }';
    for (const secret of [stacks.local.secret, 'not-the-subgraph-secret-0123']) {
      const headers = {
        'content-type': 'application/json',
        'x-request-id': 'transport-handover',
        'x-smm-key-sosyal': DEMO_PANELS[0]!.key,
        [GATEWAY_SECRET_HEADER]: secret,
      };
      const body = JSON.stringify({ query });
      const reply = await smm.inProcess.call({ method: 'POST', headers, body }).reply;
      const http = await fetch(smm.url, { method: 'POST', headers, body });
      expect(reply.status).toBe(http.status);
      // nothing was written for the gateway, and what it reads is what it would have parsed
      expect(reply.result).toBeDefined();
      const text = await http.text();
      expect(reply.body).toBe(text);
      expect(reply.result).toEqual(JSON.parse(text));
      const codes = (reply.result as GqlResult).errors?.map((e) => e.extensions?.code);
      expect(codes).toEqual(secret === stacks.local.secret ? ['NOT_FOUND'] : ['UNAUTHENTICATED']);
    }
  });

  it('hands over a DateTime as the text it reads as, not as a Date object', async () => {
    // graphql-scalars' DateTime serialises to a Date, which only JSON.stringify turns into text:
    // handed over as it is, the gateway would hold an object where a parsed body holds a string
    const solsub = stacks.local.subgraphs.solsub!;
    const headers = {
      'content-type': 'application/json',
      'x-request-id': 'transport-datetime',
      [GATEWAY_SECRET_HEADER]: stacks.local.secret,
    };
    const body = JSON.stringify({ query: '{ matchIdStatus(matchId: "PAID_001") { state checkedAt } }' });
    const reply = await solsub.inProcess.call({ method: 'POST', headers, body }).reply;
    expect(reply.status).toBe(200);
    const result = reply.result as { data: { matchIdStatus: { checkedAt: unknown } } };
    expect(typeof result.data.matchIdStatus.checkedAt).toBe('string');
    expect(result).toEqual(JSON.parse(reply.body));
  });

  const create = `mutation ($input: CreateOrderInput!) { createOrder(input: $input) { order { id } } }`;
  const budget = (totalBudget: string) => ({
    input: {
      title: 't',
      network: 'VIESHOW',
      model: 'CPM',
      totalBudget,
      dailyBudget: '1',
      materialUrl: 'https://a.example/m.mp4',
      clickUrl: 'https://a.example/c.jpg',
    },
  });
  it.each<[string, string, string, Record<string, unknown> | undefined, Record<string, string>]>([
    [
      'UNAUTHENTICATED',
      'an upstream refusing the token',
      '{ likenamaViewer { username } }',
      undefined,
      { 'x-likenama-token': 'demo-expired-token' },
    ],
    [
      'BAD_USER_INPUT',
      'a refused argument',
      '{ smmOrder(provider: "sosyal", id: "not-a-number") { id } }',
      undefined,
      {},
    ],
    // the gateway passes custom scalars through: the subgraph's HTTP 400 becomes the caller's error
    ['BAD_USER_INPUT', 'a scalar the subgraph refuses with 400', create, budget('1e5'), {}],
  ])('answers %s (%s) exactly as over HTTP', async (code, _what, query, variables, headers) => {
    const r = await both(query, variables, headers);
    expect(r.local.errors?.map((e) => e.extensions?.code)).toContain(code);
    same(r);
  });

  it('answers a write meeting a reset OUTCOME_UNKNOWN exactly as over HTTP, sent once', async () => {
    const add = `mutation { smmAddOrder(provider: "sosyal", input: { service: "1", link: "https://instagram.com/p/t", quantity: 100 }) { order { id } } }`;
    const r = {} as Record<SubgraphTransport, GqlResult>;
    for (const mode of MODES) {
      const emu = stacks[mode].emulators.smm!;
      emu.reset();
      emu.setFault({ kind: 'reset', match: 'sosyal/add' });
      r[mode] = await gql(stacks[mode].gatewayUrl, add);
      expect(emu.calls('sosyal/add'), mode).toHaveLength(1);
    }
    expect(r.local.errors?.map((e) => e.extensions?.code)).toEqual(['OUTCOME_UNKNOWN']);
    same(r);
  });

  it('still checks the secret: a gateway holding another one is refused, in-process as over HTTP', async () => {
    const parts = partsOf('local');
    const gateways: Partial<Record<SubgraphTransport, RunningService>> = {};
    try {
      for (const mode of MODES) {
        const stack = stacks[mode];
        gateways[mode] = await startGateway({
          supergraphSdl: composeSupergraph(parts).supergraph,
          secret: 'not-the-subgraph-secret-0123',
          port: 0,
          apis: parts,
          subgraphUrls: Object.fromEntries(Object.entries(stack.subgraphs).map(([n, s]) => [n, s!.url])),
          ...(mode === 'local'
            ? {
                inProcess: Object.fromEntries(
                  Object.entries(stack.subgraphs).map(([n, s]) => [n, s!.inProcess]),
                ),
              }
            : {}),
        });
      }
      const r = {} as Record<SubgraphTransport, GqlResult>;
      for (const mode of MODES) r[mode] = await gql(gateways[mode]!.url, BALANCE);
      expect(r.local.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      same(r);
    } finally {
      for (const g of Object.values(gateways)) await g.close();
    }
  });

  // last: it stops each stack's SMM subgraph
  it('a write cut by the subgraph stopping is OUTCOME_UNKNOWN, and a stopped subgraph refuses', async () => {
    const add = `mutation { smmAddOrder(provider: "sosyal", input: { service: "1", link: "https://instagram.com/p/c", quantity: 100 }) { order { id } } }`;
    const cut = {} as Record<SubgraphTransport, GqlResult>;
    const after = {} as Record<SubgraphTransport, GqlResult>;
    for (const mode of MODES) {
      const stack = stacks[mode];
      const emu = stack.emulators.smm!;
      emu.reset();
      emu.setFault({ kind: 'hang', match: 'sosyal/add' });
      const pending = gql(stack.gatewayUrl, add);
      await expect.poll(() => emu.calls('sosyal/add').length).toBe(1);
      await stack.subgraphs.smm!.close();
      cut[mode] = await pending;
      after[mode] = await gql(stack.gatewayUrl, add);
    }
    expect(cut.local.errors?.map((e) => e.extensions?.code)).toEqual(['OUTCOME_UNKNOWN']);
    same(cut);
    expect(after.local.errors?.map((e) => [e.extensions?.code, e.extensions?.sent])).toEqual([
      ['UPSTREAM_UNAVAILABLE', false],
    ]);
    same(after);
  });
});
