import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { corsFromEnv } from '../../gateway/cors.ts';
import { parts } from '../../stack/parts/index.ts';
import { useStack } from '../helpers/use-stack.ts';

const APP = 'https://app.example.com';
const h = useStack(undefined, { env: { CORS_ORIGINS: `${APP}, http://localhost:5173` } });

const preflight = (origin: string, headers: string, method = 'POST') =>
  request(h.stack.gatewayUrl, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': headers,
    },
  });

describe('browsers: CORS, the landing page and GET /', () => {
  it('answers a listed origin preflight with the methods and headers an app sends, credentials allowed', async () => {
    const res = await preflight(
      APP,
      'content-type, apollo-require-preflight, authorization, x-smm-key-sosyal, x-likenama-token, traceparent',
    );
    await res.body.dump();
    expect(res.statusCode).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers':
        'content-type, apollo-require-preflight, authorization, x-smm-key-sosyal, x-likenama-token, traceparent',
    });
    expect(String(res.headers.vary)).toMatch(/Origin/);
  });

  it('lets the listed origin read the answer (and its x-request-id) of a real POST', async () => {
    const res = await request(h.stack.gatewayUrl, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await res.body.json()).toEqual({ data: { __typename: 'Query' } });
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(res.headers['access-control-expose-headers']).toBe('x-request-id');
    expect(String(res.headers.vary)).toMatch(/Origin/);
  });

  it('gives an unlisted origin no CORS header, and refuses its preflight saying why', async () => {
    const res = await preflight('https://evil.example', 'content-type');
    expect(res.statusCode).toBe(403);
    expect(await res.body.text()).toMatch(/not in CORS_ORIGINS/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const post = await request(h.stack.gatewayUrl, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    await post.body.dump();
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a preflight for a header or method the gateway does not take', async () => {
    const header = await preflight(APP, 'content-type, x-something-else');
    expect(header.statusCode).toBe(403);
    expect(await header.body.text()).toMatch(/x-something-else/);
    const method = await preflight(APP, 'content-type', 'DELETE');
    expect(method.statusCode).toBe(403);
    await method.body.dump();
  });

  it('reads CORS_ORIGINS strictly: nothing by default, and a malformed origin is a startup error', () => {
    expect(corsFromEnv({}).origins).toEqual([]);
    expect(corsFromEnv({ CORS_ORIGINS: 'https://a.example/, *' }).origins).toEqual([
      'https://a.example',
      '*',
    ]);
    expect(() => corsFromEnv({ CORS_ORIGINS: 'a.example' })).toThrow(/not an origin/);
  });

  it('GET / redirects to the explorer, whose offline fallback points at /graphiql', async () => {
    const root = await request(new URL('/', h.stack.gatewayUrl).toString(), { method: 'GET' });
    await root.body.dump();
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/graphql');
    const page = await request(h.stack.gatewayUrl, { headers: { accept: 'text/html' } });
    const html = await page.body.text();
    expect(html).toContain('Apollo Sandbox cannot be loaded');
    expect(html).toContain('<a href="graphiql">/graphiql</a>');
  });
});

describe('CORS with *', () => {
  const star = useStack(
    parts.filter((p) => p.name === 'solsub'),
    { env: { CORS_ORIGINS: '*' } },
  );
  it('sends * and never credentials', async () => {
    const res = await request(star.stack.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://any.example', 'access-control-request-method': 'POST' },
    });
    await res.body.dump();
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });
});
