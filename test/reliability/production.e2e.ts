// NODE_ENV=production turns introspection, stack traces and field suggestions off, even with
// GRAPHQL_STACKTRACES=1; outside production that switch does show traces (so the check can fail).
// NODE_ENV is read when a server starts, so each block starts its own stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../stack/index.ts';
import { smmPart } from '../../stack/parts/smm.ts';
import { gql, startTestStack } from '../helpers/stack.ts';

const saved = { NODE_ENV: process.env.NODE_ENV, GRAPHQL_STACKTRACES: process.env.GRAPHQL_STACKTRACES };
const restore = () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
};

function stackWith(nodeEnv: string): () => Stack {
  let stack: Stack;
  beforeAll(async () => {
    process.env.NODE_ENV = nodeEnv;
    process.env.GRAPHQL_STACKTRACES = '1';
    try {
      stack = await startTestStack({ parts: [smmPart] });
    } finally {
      restore();
    }
  });
  afterAll(() => stack?.close());
  return () => stack;
}

const INTROSPECTION = '{ __schema { queryType { name } } }';
const TYPO = '{ smmBalanc(provider: "sosyal") { amount } }';

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
});

describe('NODE_ENV=development with GRAPHQL_STACKTRACES=1', () => {
  const stack = stackWith('development');

  it('answers introspection and shows stack traces', async () => {
    expect((await gql(stack().gatewayUrl, INTROSPECTION)).errors).toBeUndefined();
    const typo = await gql(stack().gatewayUrl, TYPO);
    expect(typo.errors?.[0]?.extensions?.stacktrace).toBeInstanceOf(Array);
    expect(typo.errors?.[0]?.message).toMatch(/Did you mean "smmBalance"/);
  });
});
