// Access control through the running stack: API keys at the gateway (401 before any subgraph is
// called), Sandbox's landing page still reachable, the gateway→subgraph secret, and the refusal
// to start open on a public address with server-side credentials.
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { beforeEach, describe, expect, it } from 'vitest';
import { smmPart } from '../../stack/parts/smm.ts';
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';
import { gql, startTestStack } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';
import { getText, metricValue, opsUrl } from './helpers.ts';

const KEY_A = 'gw-key-a-0123456789abcdef';
const KEY_B = 'gw-key-b-fedcba9876543210';
const QUERY = '{ smmBalance(provider: "sosyal") { amount currency } }';

const h = useStack([smmPart], { env: { GATEWAY_API_KEYS: `${KEY_A},${KEY_B}` } });
beforeEach(() => h.stack.emulators.smm!.reset());

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const subgraphQueries = async () =>
  metricValue((await getText(opsUrl(h.stack, '/metrics'), auth(KEY_A))).text, 'graphql_requests_total', {
    service: 'smm',
    operation: 'query',
  });

describe('gateway API keys', () => {
  it.each([
    ['no Authorization header', {}],
    ['a wrong key', auth('gw-key-c-0123456789abcdef')],
    ['a key that is a prefix of a real one', auth(KEY_A.slice(0, -1))],
    ['the key without the Bearer scheme', { authorization: KEY_A }],
    ['the key as Basic', { authorization: `Basic ${KEY_A}` }],
  ])('refuses %s with 401 and calls no subgraph', async (_what, headers: Record<string, string>) => {
    const before = await subgraphQueries();
    const r = await h.send(QUERY, undefined, headers);
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="gateway"');
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(r.data).toBeUndefined();
    expect(h.stack.emulators.smm!.requests).toHaveLength(0);
    expect(await subgraphQueries()).toBe(before);
  });

  it.each([
    ['the first key', KEY_A],
    ['the second key', KEY_B],
  ])('answers with %s', async (_what, key) => {
    const r = await h.send(QUERY, undefined, auth(key));
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ smmBalance: { amount: '100.84292', currency: 'USD' } });
  });

  it('refuses GET operations and persisted-query hashes without a key', async () => {
    const hash = createHash('sha256').update(QUERY).digest('hex');
    const ext = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
    for (const qs of [`?query=${encodeURIComponent(QUERY)}`, `?extensions=${ext}`]) {
      const res = await request(`${h.stack.gatewayUrl}${qs}`, {
        headers: { accept: 'text/html,application/json', 'apollo-require-preflight': 'true' },
      });
      expect(res.statusCode).toBe(401);
      await res.body.dump();
    }
  });

  it("keeps the browser's landing page (Sandbox) reachable without a key", async () => {
    const res = await request(h.stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/text\/html/);
    await res.body.dump();
  });

  it('serves /health and /ready without a key, /metrics only with one', async () => {
    expect((await getText(opsUrl(h.stack, '/health'))).status).toBe(200);
    expect((await getText(opsUrl(h.stack, '/ready'))).status).toBe(200);
    expect((await getText(opsUrl(h.stack, '/metrics'))).status).toBe(401);
    expect((await getText(opsUrl(h.stack, '/metrics'), auth(KEY_B))).status).toBe(200);
  });
});

describe('gateway → subgraph secret', () => {
  it.each([
    ['without the secret', {}],
    ['with a wrong secret', { [GATEWAY_SECRET_HEADER]: 'not-the-secret' }],
  ])(
    'a subgraph called %s answers 401 and calls no upstream',
    async (_what, headers: Record<string, string>) => {
      const r = await gql(h.stack.subgraphs.smm!.url, QUERY, undefined, headers);
      expect(r.status).toBe(401);
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(h.stack.emulators.smm!.requests).toHaveLength(0);
    },
  );

  it('a subgraph called with the secret answers', async () => {
    const r = await gql(h.stack.subgraphs.smm!.url, QUERY, undefined, {
      [GATEWAY_SECRET_HEADER]: h.stack.secret,
    });
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
  });
});

describe('starting exposed', () => {
  it('refuses to start on a public address with server-side credentials and no keys', async () => {
    await expect(
      startTestStack({
        parts: [smmPart],
        env: {
          HOST: '0.0.0.0',
          SMM_PROVIDERS: '[{"id":"real","url":"http://127.0.0.1:9","key":"real-key"}]',
        },
      }),
    ).rejects.toThrow(/Refusing to start.*SMM_PROVIDERS/s);
  });
});
