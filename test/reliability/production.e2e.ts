// NODE_ENV=production turns introspection, stack traces and field suggestions off, even with
// GRAPHQL_STACKTRACES=1; outside production that switch does show traces (so the check can fail).
// NODE_ENV is read when a server starts, so each block starts its own stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smmPart } from '../../stack/parts/smm.ts';
import { solmatePart } from '../../stack/parts/solmate.ts';
import { request } from 'undici';
import { gql } from '../helpers/stack.ts';
import { useStack, type StackHandle } from '../helpers/use-stack.ts';

const saved = { NODE_ENV: process.env.NODE_ENV, GRAPHQL_STACKTRACES: process.env.GRAPHQL_STACKTRACES };
const restore = () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
};

/** A stack started while NODE_ENV is `nodeEnv`: the servers read it from process.env itself. */
function stackWith(nodeEnv: string): StackHandle {
  beforeAll(() => {
    process.env.NODE_ENV = nodeEnv;
    process.env.GRAPHQL_STACKTRACES = '1';
  });
  const h = useStack([smmPart, solmatePart]);
  // once the stack has started (or failed to), the rest of the run sees the variables as they were
  beforeAll(restore);
  afterAll(restore);
  return h;
}

const INTROSPECTION = '{ __schema { queryType { name } } }';
const TYPO = '{ smmBalanc(provider: "sosyal") { amount } }';
// graphql-armor's suggestion mask knows `Did you mean "x"?` but not the enum form
const ENUM_TYPO = 'mutation { createOrder(input: { network: VIESHO }) { userErrors { code } } }';
const ENUM_VAR = 'mutation($i: CreateOrderInput!) { createOrder(input: $i) { userErrors { code } } }';

/** What a browser gets at GET /graphql. */
async function landing(url: string) {
  const res = await request(url, { headers: { accept: 'text/html' } });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('NODE_ENV=production', () => {
  const h = stackWith('production');

  it('refuses introspection, at the gateway and at a subgraph', async () => {
    const r = await h.send(INTROSPECTION);
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    const direct = await gql(h.stack.subgraphs.smm!.url, INTROSPECTION, undefined, {
      'x-gateway-secret': h.stack.secret,
    });
    expect(direct.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    expect((await h.send('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('sends no stack trace and no field suggestion', async () => {
    const typo = await h.send(TYPO);
    expect(typo.errors?.[0]?.extensions?.stacktrace).toBeUndefined();
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    h.stack.emulators.smm!.setFault({ kind: 'malformed' });
    const upstream = await h.send('{ smmBalance(provider: "sosyal") { amount } }');
    h.stack.emulators.smm!.clearFaults();
    expect(upstream.errors?.[0]?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(upstream.raw).not.toMatch(/stacktrace|\.ts:\d+/);
  });

  it('strips enum-value suggestions too, at the gateway and at a subgraph', async () => {
    const direct = (q: string, v?: Record<string, unknown>) =>
      gql(h.stack.subgraphs.solmate!.url, q, v, { 'x-gateway-secret': h.stack.secret });
    const answers = [
      await h.send(ENUM_TYPO),
      await h.send(ENUM_VAR, { i: { network: 'VIESHO' } }),
      await direct(ENUM_TYPO),
      await direct(ENUM_VAR, { i: { network: 'VIESHO' } }),
      await h.send(TYPO),
      await direct('{ orde(id: "1") { id } }'),
    ];
    for (const r of answers) {
      expect(r.errors?.length).toBeGreaterThan(0);
      expect(r.raw).not.toMatch(/Did you mean|VIESHOW/);
    }
  });

  it('shows no landing page (Apollo’s names the server version)', async () => {
    const page = await landing(h.stack.gatewayUrl);
    expect(page.status).not.toBe(200);
    expect(page.text).not.toMatch(/<html|landing|version|@apollo\/server/i);
  });
});

describe('NODE_ENV=development with GRAPHQL_STACKTRACES=1', () => {
  const h = stackWith('development');

  it('answers introspection and shows stack traces', async () => {
    expect((await h.send(INTROSPECTION)).errors).toBeUndefined();
    const typo = await h.send(TYPO);
    expect(typo.errors?.[0]?.extensions?.stacktrace).toBeInstanceOf(Array);
    expect(typo.errors?.[0]?.message).toMatch(/Did you mean "smmBalance"/);
    const e = await h.send(ENUM_TYPO);
    expect(e.raw).toMatch(/Did you mean the enum value \\"VIESHOW\\"/);
  });

  it('serves Apollo Sandbox as the landing page', async () => {
    const page = await landing(h.stack.gatewayUrl);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/sandbox/i);
  });
});
