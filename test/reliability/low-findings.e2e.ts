// Issue 12's low findings, each with the check that would have caught it: client mistakes are
// 400s, subgraphs answer bad bodies in the gateway's JSON shape, their /ready and /metrics need
// the gateway's secret, and no message echoes more than a short prefix of caller input.
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';
import { smmPart } from '../../stack/parts/smm.ts';
import { useStack } from '../helpers/use-stack.ts';
import { opsUrl } from './helpers.ts';

const h = useStack([smmPart]);

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), text };
}

const TWO_OPS = 'query A { smmProviders { id } } query B { smmProviders { name } }';

describe('client mistakes are 400 with a clear error', () => {
  it.each([
    ['no operationName among several operations', { query: TWO_OPS }, /operationName/],
    ['an unknown operationName', { query: TWO_OPS, operationName: 'C' }, /Unknown operation named "C"/],
    ['a subscription', { query: 'subscription S { smmProviders { id } }' }, /subscription/i],
  ])('%s', async (_name, body, message) => {
    const r = await post(h.stack.gatewayUrl, JSON.stringify(body));
    expect(r.status).toBe(400);
    const parsed = JSON.parse(r.text) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(parsed.errors[0]!.message).toMatch(message);
    expect(parsed.errors[0]!.extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('subgraphs answer what they cannot read with the gateway’s JSON errors', () => {
  const sub = () => h.stack.subgraphs.smm!.url;
  const secret = () => ({ [GATEWAY_SECRET_HEADER]: h.stack.secret });

  it.each([
    ['unreadable JSON', () => '{"query": ', 400, 'BAD_REQUEST'],
    ['a body over the limit', () => Buffer.alloc(1024 * 1024 + 10, 'a'), 413, 'PAYLOAD_TOO_LARGE'],
  ])('%s', async (_name, body, status, code) => {
    for (const url of [sub(), h.stack.gatewayUrl]) {
      const r = await post(url, body(), secret());
      expect(r.status, url).toBe(status);
      expect(r.type).toMatch(/^application\/json/);
      expect(r.text).not.toMatch(/<html|<pre>|at \S+ \(|node_modules/i);
      expect(JSON.parse(r.text)).toEqual({ errors: [{ message: expect.any(String), extensions: { code } }] });
    }
  });

  it('an unknown path is a JSON 404, not an HTML page', async () => {
    for (const base of [sub(), h.stack.gatewayUrl]) {
      const res = await request(new URL('/nope', base));
      expect(res.statusCode).toBe(404);
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
      expect(await res.body.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    }
  });
});

describe('subgraph /ready and /metrics', () => {
  it('refuse callers without the gateway secret; the gateway’s /ready still aggregates them', async () => {
    for (const path of ['/ready', '/metrics']) {
      const url = new URL(path, h.stack.subgraphs.smm!.url);
      const bare = await request(url);
      expect(bare.statusCode, path).toBe(401);
      expect(await bare.body.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
      const wrong = await request(url, { headers: { [GATEWAY_SECRET_HEADER]: 'not-the-secret' } });
      expect(wrong.statusCode, path).toBe(401);
      await wrong.body.dump();
      const ok = await request(url, { headers: { [GATEWAY_SECRET_HEADER]: h.stack.secret } });
      expect(ok.statusCode, path).toBe(200);
      await ok.body.dump();
    }
    const ready = await request(opsUrl(h.stack, '/ready'));
    expect(ready.statusCode).toBe(200);
    expect(await ready.body.json()).toMatchObject({ status: 'ready', subgraphs: { smm: { status: 'up' } } });
  });
});

describe('messages echo at most a short prefix of caller input', () => {
  const huge = 'f' + 'x'.repeat(200_000);

  it.each([
    ['a field name', `{ ${huge} }`],
    ['an argument name', `{ smmBalance(provider: "sosyal", ${huge}: 1) { amount } }`],
    ['an enum-like literal', `{ smmBalance(provider: ${huge}) { amount } }`],
    ['a string value', `{ smmOrders(provider: "sosyal", ids: ["${huge}"]) { id } }`],
  ])('%s', async (_name, query) => {
    const r = await h.send(query);
    expect(r.errors?.length).toBeGreaterThan(0);
    expect(r.raw.length).toBeLessThan(4000);
    expect(r.raw).toContain('fxxxxxxxxx');
  });

  it('a variable value', async () => {
    const r = await h.send(
      'query($n: Int!) { smmProviders { id } x: smmOrder(provider: "sosyal", id: "1") { id } }',
      {
        n: huge,
      },
    );
    expect(r.status).toBe(400);
    expect(r.raw.length).toBeLessThan(4000);
  });
});
