import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { SubgraphSource, type GatewayContext } from '../../gateway/server.ts';
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';

const URL_ = 'http://127.0.0.1:1/graphql';

const answer = (status: number, body: string, contentType = 'application/json'): FetcherResponse =>
  ({
    url: URL_,
    status,
    statusText: '',
    ok: status >= 200 && status < 300,
    redirected: false,
    bodyUsed: false,
    headers: { get: (n: string) => (n.toLowerCase() === 'content-type' ? contentType : null) },
    text: async () => body,
    json: async () => JSON.parse(body) as unknown,
    clone() {
      return this;
    },
  }) as unknown as FetcherResponse;

function source(reply: (init: FetcherRequestInit) => Promise<FetcherResponse>) {
  const calls: FetcherRequestInit[] = [];
  const fetcher = (async (_url: string, init: FetcherRequestInit) => {
    calls.push(init);
    return reply(init);
  }) as Fetcher;
  return { src: new SubgraphSource('smm', URL_, () => false, 'the-secret', fetcher), calls };
}

// a health check: the kind that needs no incoming request (its enum is not an ESM export)
const run = (src: SubgraphSource) =>
  src.process({
    kind: 'health check',
    request: { query: '{ a }', variables: { x: 1 } },
    context: {},
  } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);

describe('SubgraphSource sendRequest', () => {
  it('replaces a method @apollo/gateway still has and calls', () => {
    const base = RemoteGraphQLDataSource.prototype as unknown as Record<string, unknown>;
    expect(typeof base.sendRequest).toBe('function');
    expect(String(base.process)).toContain('this.sendRequest(');
    expect(Object.hasOwn(SubgraphSource.prototype, 'sendRequest')).toBe(true);
  });

  it('sends what Apollo sent: POST, the JSON body, its headers and the secret', async () => {
    const { src, calls } = source(async () => answer(200, '{"data":{"a":1}}'));
    const res = await run(src);
    expect(res.data).toEqual({ a: 1 });
    expect(res.http?.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('POST');
    expect(JSON.parse(calls[0]!.body as string)).toEqual({ query: '{ a }', variables: { x: 1 } });
    const headers = calls[0]!.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/json');
    expect(headers[GATEWAY_SECRET_HEADER]).toBe('the-secret');
  });

  it('refuses a body that is not a JSON object, as Apollo does', async () => {
    const { src } = source(async () => answer(200, 'plain words', 'text/plain'));
    await expect(run(src)).rejects.toThrow('Expected JSON response body, but received: plain words');
  });

  it('maps a refused connection and a 400 as before', async () => {
    const refused = source(async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('no'), { code: 'ECONNREFUSED' }),
      });
    });
    const err = await run(refused.src).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sent: false });

    const bad = source(async () =>
      answer(400, '{"errors":[{"message":"Decimal refused","extensions":{"code":"BAD_USER_INPUT"}}]}'),
    );
    const err400 = await run(bad.src).catch((e: unknown) => e);
    expect((err400 as GraphQLError).message).toBe('Decimal refused');
    expect((err400 as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
  });
});
