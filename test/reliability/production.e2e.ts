// NODE_ENV=production turns introspection, stack traces and field suggestions off, even with
// GRAPHQL_STACKTRACES=1; outside production that switch does show traces (so the check can fail).
// NODE_ENV is read when a server starts, so each block starts its own stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../stack/index.ts';
import { smmPart } from '../../stack/parts/smm.ts';
import { solmatePart } from '../../stack/parts/solmate.ts';
import { request } from 'undici';
import { gql, startTestStack } from '../helpers/stack.ts';

const saved = { NODE_ENV: process.env.NODE_ENV, GRAPHQL_STACKTRACES: process.env.GRAPHQL_STACKTRACES };
const restore = () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
};

// Not useStack: these variables are read from process.env itself, not from the stack's env.
function stackWith(nodeEnv: string): () => Stack {
  let stack: Stack;
  beforeAll(async () => {
    process.env.NODE_ENV = nodeEnv;
    process.env.GRAPHQL_STACKTRACES = '1';
    try {
      stack = await startTestStack({ parts: [smmPart, solmatePart] });
    } finally {
      restore();
    }
  });
  afterAll(() => stack?.close());
  return () => stack;
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
  const stack = stackWith('production');

  it('refuses introspection, at the gateway and at a subgraph', async () => {
    const r = await gql(stack().gatewayUrl, INTROSPECTION);
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    const direct = await gql(stack().subgraphs.smm!.url, INTROSPECTION, undefined, {
      'x-gateway-secret': stack().secret,
    });
    expect(direct.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    expect((await gql(stack().gatewayUrl, '{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('sends no stack trace and no field suggestion', async () => {
    const typo = await gql(stack().gatewayUrl, TYPO);
    expect(typo.errors?.[0]?.extensions?.stacktrace).toBeUndefined();
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    stack().emulators.smm!.setFault({ kind: 'malformed' });
    const upstream = await gql(stack().gatewayUrl, '{ smmBalance(provider: "sosyal") { amount } }');
    stack().emulators.smm!.clearFaults();
    expect(upstream.errors?.[0]?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(upstream.raw).not.toMatch(/stacktrace|\.ts:\d+/);
  });

  it('strips enum-value suggestions too, at the gateway and at a subgraph', async () => {
    const direct = (q: string, v?: Record<string, unknown>) =>
      gql(stack().subgraphs.solmate!.url, q, v, { 'x-gateway-secret': stack().secret });
    const answers = [
      await gql(stack().gatewayUrl, ENUM_TYPO),
      await gql(stack().gatewayUrl, ENUM_VAR, { i: { network: 'VIESHO' } }),
      await direct(ENUM_TYPO),
      await direct(ENUM_VAR, { i: { network: 'VIESHO' } }),
      await gql(stack().gatewayUrl, TYPO),
      await direct('{ orde(id: "1") { id } }'),
    ];
    for (const r of answers) {
      expect(r.errors?.length).toBeGreaterThan(0);
      expect(r.raw).not.toMatch(/Did you mean|VIESHOW/);
    }
  });

  it('shows no landing page (Apollo’s names the server version)', async () => {
    const page = await landing(stack().gatewayUrl);
    expect(page.status).not.toBe(200);
    expect(page.text).not.toMatch(/<html|landing|version|@apollo\/server/i);
  });
});

describe('NODE_ENV=development with GRAPHQL_STACKTRACES=1', () => {
  const stack = stackWith('development');

  it('answers introspection and shows stack traces', async () => {
    expect((await gql(stack().gatewayUrl, INTROSPECTION)).errors).toBeUndefined();
    const typo = await gql(stack().gatewayUrl, TYPO);
    expect(typo.errors?.[0]?.extensions?.stacktrace).toBeInstanceOf(Array);
    expect(typo.errors?.[0]?.message).toMatch(/Did you mean "smmBalance"/);
    const e = await gql(stack().gatewayUrl, ENUM_TYPO);
    expect(e.raw).toMatch(/Did you mean the enum value \\"VIESHOW\\"/);
  });

  it('serves Apollo Sandbox as the landing page', async () => {
    const page = await landing(stack().gatewayUrl);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/sandbox/i);
  });
});
