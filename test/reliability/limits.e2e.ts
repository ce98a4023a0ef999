// Each limit of the gateway, set small through its environment variable: accepted just under,
// refused just over with a clear error and no upstream call. Plus persisted queries (APQ) and
// the per-upstream connection cap, which queues rather than fails.
import { createHash } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { request } from 'undici';
import { beforeEach, describe, expect, it } from 'vitest';
import { smmPart } from '../../stack/parts/smm.ts';
import type { GqlResult } from '../helpers/stack.ts';
import { useStack, type StackHandle } from '../helpers/use-stack.ts';

function withStack(env: NodeJS.ProcessEnv): StackHandle {
  const h = useStack([smmPart], { env });
  beforeEach(() => h.stack.emulators.smm!.reset());
  return h;
}

const refusal = (r: GqlResult) => ({
  status: r.status,
  codes: (r.errors ?? []).map((e) => e.extensions?.code),
  limit: r.errors?.[0]?.extensions?.limit,
  data: r.data,
});
const ids = (k: number) => Array.from({ length: k }, (_, i) => String(23501 + i));

describe('defaults', () => {
  const h = withStack({});

  it("let Sandbox's full introspection query and ordinary operations through", async () => {
    const r = await h.send(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(r.errors).toBeUndefined();
    const ops = await h.send(
      `{ smmProviders { id name balance { amount currency } services { id name type rate min max } } }`,
    );
    expect(ops.errors).toBeUndefined();
  });

  it('show field suggestions and, when asked (GRAPHQL_STACKTRACES=1 outside production), no traces by default', async () => {
    const r = await h.send('{ smmBalanc(provider: "sosyal") { amount } }');
    expect(r.errors?.[0]?.message).toMatch(/Did you mean "smmBalance"/);
    expect(r.errors?.[0]?.extensions?.stacktrace).toBeUndefined();
  });
});

describe('GRAPHQL_MAX_DEPTH=2', () => {
  const h = withStack({ GRAPHQL_MAX_DEPTH: '2' });

  it('accepts depth 2, counting fragments as no level', async () => {
    const r = await h.send('{ smmProviders { ... on SmmProvider { id } } }');
    expect(r.errors).toBeUndefined();
  });

  it('refuses depth 3 before any upstream call', async () => {
    const r = await h.send('{ smmProviders { balance { amount } } }');
    expect(refusal(r)).toEqual({
      status: 400,
      codes: ['GRAPHQL_VALIDATION_FAILED'],
      limit: 'depth',
      data: undefined,
    });
    expect(r.errors![0]!.message).toBe('Query depth limit of 2 exceeded, found 3.');
    expect(h.stack.emulators.smm!.requests).toHaveLength(0);
  });
});

describe('GRAPHQL_MAX_COST=12', () => {
  const h = withStack({ GRAPHQL_MAX_COST: '12' });

  it('accepts a query of cost 6.5 and refuses one of 13', async () => {
    // object 2 + 1.5 × (1 + 1 + 1) = 6.5 per smmBalance; two of them: 13 > 12
    const one = (alias: string, p: string) =>
      `${alias}: smmBalance(provider: "${p}") { amount currency __typename }`;
    const ok = await h.send(`{ ${one('a', 'sosyal')} }`);
    expect(ok.errors).toBeUndefined();
    const r = await h.send(`{ ${one('a', 'sosyal')} ${one('b', 'baostar')} }`);
    expect(refusal(r)).toMatchObject({ status: 400, codes: ['GRAPHQL_VALIDATION_FAILED'], limit: 'cost' });
    expect(r.errors![0]!.message).toBe('Query Cost limit of 12 exceeded, found 13.');
    expect(h.stack.emulators.smm!.requests).toHaveLength(1); // the accepted one's
  });
});

describe('GRAPHQL_MAX_ALIASES=2', () => {
  const h = withStack({ GRAPHQL_MAX_ALIASES: '2' });
  const balances = (k: number) =>
    `{ ${Array.from({ length: k }, (_, i) => `b${i}: smmBalance(provider: "sosyal") { amount }`).join(' ')} }`;

  it('accepts 2 aliases and refuses 3', async () => {
    expect((await h.send(balances(2))).errors).toBeUndefined();
    const r = await h.send(balances(3));
    expect(refusal(r)).toMatchObject({ status: 400, codes: ['GRAPHQL_VALIDATION_FAILED'], limit: 'aliases' });
    expect(r.errors![0]!.message).toBe('Aliases limit of 2 exceeded, found 3.');
    // the accepted request read the balance once (per-request memo); the refused one not at all
    expect(h.stack.emulators.smm!.calls('sosyal/balance')).toHaveLength(1);
  });
});

describe('GRAPHQL_MAX_DIRECTIVES=2', () => {
  const h = withStack({ GRAPHQL_MAX_DIRECTIVES: '2' });

  it('accepts 2 directives and refuses 3', async () => {
    const fields = ['id', 'name', '__typename'];
    const q = (k: number) =>
      `{ smmProviders { ${fields
        .slice(0, k)
        .map((f) => `${f} @include(if: true)`)
        .join(' ')} } }`;
    expect((await h.send(q(2))).errors).toBeUndefined();
    const r = await h.send(q(3));
    expect(refusal(r)).toMatchObject({ status: 400, limit: 'directives' });
    expect(r.errors![0]!.message).toBe('Directives limit of 2 exceeded, found 3.');
  });
});

describe('GRAPHQL_MAX_TOKENS=40', () => {
  const h = withStack({ GRAPHQL_MAX_TOKENS: '40' });

  it('refuses a longer document while parsing it', async () => {
    expect((await h.send('{ smmProviders { id } }')).errors).toBeUndefined();
    const r = await h.send(`{ smmProviders { ${'id '.repeat(40)} } }`);
    expect(refusal(r)).toMatchObject({ status: 400, codes: ['GRAPHQL_PARSE_FAILED'] });
    expect(r.errors![0]!.message).toMatch(/Document contains more th(at|an) 40 tokens/);
  });
});

describe('GRAPHQL_MAX_LIST_ITEMS=10, GRAPHQL_MAX_TOTAL_LIST_ITEMS=15', () => {
  const h = withStack({ GRAPHQL_MAX_LIST_ITEMS: '10', GRAPHQL_MAX_TOTAL_LIST_ITEMS: '15' });
  const ORDERS = 'query($ids: [ID!]!) { smmOrders(provider: "sosyal", ids: $ids) { id } }';

  it('accepts 10 ids in one list, from a variable or a literal', async () => {
    const literal = `{ smmOrders(provider: "sosyal", ids: ${JSON.stringify(ids(10))}) { id } }`;
    for (const r of [await h.send(ORDERS, { ids: ids(10) }), await h.send(literal)]) {
      // ids past the five seeded orders are NOT_FOUND at their index: read, not refused
      expect((r.data as { smmOrders: unknown[] }).smmOrders).toHaveLength(10);
      expect(new Set(r.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['NOT_FOUND']));
    }
  });

  it.each([
    ['a variable', (s: StackHandle) => s.send(ORDERS, { ids: ids(11) })],
    [
      'a literal',
      (s: StackHandle) => s.send(`{ smmOrders(provider: "sosyal", ids: ${JSON.stringify(ids(11))}) { id } }`),
    ],
  ])('refuses 11 ids in one list given as %s, before any upstream call', async (_how, send) => {
    const r = await send(h);
    expect(refusal(r)).toEqual({
      status: 400,
      codes: ['BAD_USER_INPUT'],
      limit: 'list_items',
      data: undefined,
    });
    expect(r.errors![0]!.message).toBe('A list argument holds 11 items; at most 10 are accepted per list');
    expect(h.stack.emulators.smm!.requests).toHaveLength(0);
  });

  it('counts a variable each time aliases use it: 2 × 8 ids is over the total of 15', async () => {
    const r = await h.send(
      'query($ids: [ID!]!) { a: smmOrders(provider: "sosyal", ids: $ids) { id } b: smmOrders(provider: "baostar", ids: $ids) { id } }',
      { ids: ids(8) },
    );
    expect(refusal(r)).toEqual({
      status: 400,
      codes: ['BAD_USER_INPUT'],
      limit: 'total_list_items',
      data: undefined,
    });
    expect(r.errors![0]!.message).toBe(
      "The request's list arguments hold 16 items in all; at most 15 are accepted per request",
    );
    expect(h.stack.emulators.smm!.requests).toHaveLength(0);
  });
});

describe('GATEWAY_MAX_BODY_BYTES=4096', () => {
  const h = withStack({ GATEWAY_MAX_BODY_BYTES: '4096' });
  const post = (body: string) =>
    request(h.stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('answers 413 with a JSON error for a larger body, and reads a smaller one', async () => {
    const small = JSON.stringify({ query: '{ smmProviders { id } }', variables: { pad: 'x'.repeat(3900) } });
    expect((await post(small)).statusCode).toBe(200);
    const res = await post(
      JSON.stringify({ query: '{ smmProviders { id } }', variables: { pad: 'x'.repeat(5000) } }),
    );
    expect(res.statusCode).toBe(413);
    expect(await res.body.json()).toEqual({
      errors: [
        {
          message: 'The request body is larger than the limit of 4096 bytes',
          extensions: { code: 'PAYLOAD_TOO_LARGE' },
        },
      ],
    });
  });

  it('answers 400 with a JSON error for a body that is not JSON', async () => {
    const res = await post('{"query": ');
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toEqual({
      errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
  });
});

describe('UPSTREAM_CONNECTIONS=2', () => {
  // identical reads in flight would be shared (one call for all six): this is about the pool
  const h = withStack({ UPSTREAM_CONNECTIONS: '2', UPSTREAM_TIMEOUT_MS: '2000', UPSTREAM_SHARE_READS: '0' });
  const LATENCY = 150;

  it('queues calls beyond 2 per upstream instead of failing them', async () => {
    const emu = h.stack.emulators.smm!;
    emu.latencyMs = LATENCY;
    try {
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => h.send('{ smmBalance(provider: "sosyal") { amount } }')),
      );
      const took = Date.now() - started;
      for (const a of answers) expect(a.errors).toBeUndefined();
      const arrivals = emu.calls('sosyal/balance').map((r) => r.at);
      expect(arrivals).toHaveLength(6);
      // at most 2 arrive within one answer's latency of each other: the rest waited for a connection
      const mostAtOnce = Math.max(
        ...arrivals.map((t) => arrivals.filter((u) => u >= t && u < t + LATENCY - 30).length),
      );
      expect(mostAtOnce).toBeLessThanOrEqual(2);
      expect(took).toBeGreaterThanOrEqual(3 * LATENCY - 20);
    } finally {
      emu.latencyMs = 0;
    }
  });
});

describe('automatic persisted queries', () => {
  const h = withStack({});
  const QUERY = '{ smmBalance(provider: "sosyal") { amount currency } }';
  const hash = createHash('sha256').update(QUERY).digest('hex');
  const ext = { persistedQuery: { version: 1, sha256Hash: hash } };
  const post = async (body: Record<string, unknown>) => {
    const res = await request(h.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.body.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
  };

  it('asks for the query on an unknown hash, registers it, then runs it from the hash alone', async () => {
    const unknown = await post({ extensions: ext });
    expect(unknown.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(h.stack.emulators.smm!.requests).toHaveLength(0);

    const registered = await post({ query: QUERY, extensions: ext });
    expect(registered).toEqual({ data: { smmBalance: { amount: '100.84292', currency: 'USD' } } });

    expect(await post({ extensions: ext })).toEqual(registered);
    const viaGet = await request(
      `${h.stack.gatewayUrl}?extensions=${encodeURIComponent(JSON.stringify(ext))}`,
      { headers: { 'apollo-require-preflight': 'true' } },
    );
    expect(await viaGet.body.json()).toEqual(registered);
  });

  it('refuses a query whose hash does not match', async () => {
    const r = await post({ query: '{ smmProviders { id } }', extensions: ext });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
