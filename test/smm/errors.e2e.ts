import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDemoSmmEmulator, DEMO_PANELS, type SmmEmulator } from '../../emulators/smm/index.ts';
import type { Fault } from '../../emulators/shared/emulator.ts';
import { smmPart } from '../../stack/parts/smm.ts';
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';
import { codes, gql } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';

let emu: SmmEmulator;
let providers: unknown[];

// The stack is pointed at an emulator started here, through SMM_PROVIDERS as a deployment
// would be, with the third provider speaking the query-string encoding.
beforeAll(async () => {
  emu = createDemoSmmEmulator();
  const url = await emu.listen();
  const [sosyal, baostar] = DEMO_PANELS;
  providers = [
    { id: 'sosyal', url: `${url}/sosyal/api/v2`, key: sosyal!.key, encoding: 'form' },
    { id: 'baostar', url: `${url}/baostar/api/v2`, key: baostar!.key, encoding: 'json', currency: 'VND' },
    {
      id: 'sosyal-get',
      url: `${url}/sosyal/api/v2`,
      key: sosyal!.key,
      encoding: 'query',
      userAgent: 'my-agent/1.0',
    },
    { id: 'keyless', url: `${url}/sosyal/api/v2` },
  ];
});
afterAll(() => emu.close());
// after the emulator's hooks: started once it listens, closed before it stops; not emulated,
// so SMM_PROVIDERS is read as a deployment's would be
const h = useStack([smmPart], () => ({
  forceEmulators: false,
  env: { SMM_PROVIDERS: JSON.stringify(providers) },
}));
beforeEach(() => emu.reset());

const q = (query: string) => h.send(query);
const BALANCE = `{ smmBalance(provider: "sosyal") { amount } }`;
const ADD = `mutation { smmAddOrder(provider: "sosyal", input: { service: "1", link: "https://x", quantity: 100 }) { order { id } userErrors { code } } }`;

describe('SMM upstream failures become the graph error vocabulary', () => {
  it.each<[string, Fault, string, number]>([
    ['a 503', { kind: 'status', status: 503 }, 'UPSTREAM_UNAVAILABLE', 2],
    ['a hang past the deadline', { kind: 'hang' }, 'UPSTREAM_UNAVAILABLE', 2],
    ['a reset connection', { kind: 'reset' }, 'UPSTREAM_UNAVAILABLE', 2],
    ['a 429', { kind: 'rateLimit' }, 'RATE_LIMITED', 1],
    ['malformed JSON', { kind: 'malformed' }, 'UPSTREAM_BAD_RESPONSE', 1],
    ['an HTML page with 200', { kind: 'html' }, 'UPSTREAM_BAD_RESPONSE', 1],
    ['an HTML page with 502', { kind: 'html', status: 502 }, 'UPSTREAM_UNAVAILABLE', 2],
    ['valid JSON of the wrong shape', { kind: 'wrongShape' }, 'UPSTREAM_BAD_RESPONSE', 1],
  ])('a read meeting %s is %s after %i call(s)', async (_name, fault, code, calls) => {
    emu.setFault(fault);
    const r = await q(BALANCE);
    expect(codes(r)).toEqual([{ path: 'smmBalance', code }]);
    expect(r.errors![0]!.extensions!.upstream).toMatchObject({
      api: 'smm',
      provider: 'sosyal',
      action: 'balance',
    });
    expect(emu.calls('sosyal/balance')).toHaveLength(calls);
  });

  it('recovers when a retried read meets the fault only once', async () => {
    emu.setFault({ kind: 'status', status: 502, times: 1 });
    const r = await q(BALANCE);
    expect(r.errors).toBeUndefined();
    expect(emu.calls('sosyal/balance')).toHaveLength(2);
  });

  it.each<[string, Fault]>([
    ['a hang', { kind: 'hang' }],
    ['a reset after sending', { kind: 'reset' }],
    ['malformed JSON', { kind: 'malformed' }],
    ['a 504', { kind: 'status', status: 504 }],
  ])('an add order meeting %s is OUTCOME_UNKNOWN and is sent exactly once', async (_name, fault) => {
    emu.setFault({ ...fault, match: 'sosyal/add' });
    const r = await q(ADD);
    expect(codes(r)).toEqual([{ path: 'smmAddOrder', code: 'OUTCOME_UNKNOWN' }]);
    expect(r.errors![0]!.message).toMatch(/may have/);
    expect(emu.calls('sosyal/add')).toHaveLength(1);
  });

  it('an add order meeting a 503 is OUTCOME_UNKNOWN (the order may have been placed), sent once', async () => {
    emu.setFault({ kind: 'status', status: 503, match: 'sosyal/add' });
    const r = await q(ADD);
    expect(codes(r)).toEqual([{ path: 'smmAddOrder', code: 'OUTCOME_UNKNOWN' }]);
    expect(emu.calls('sosyal/add')).toHaveLength(1);
  });

  it('a refused key is UNAUTHENTICATED; a provider without any key is refused before calling', async () => {
    const r = await q(`{ smmBalance(provider: "keyless") { amount } }`);
    expect(codes(r)).toEqual([{ path: 'smmBalance', code: 'UNAUTHENTICATED' }]);
    expect(r.errors![0]!.message).toContain('x-smm-key-keyless');
    expect(emu.requests).toHaveLength(0);
  });

  it('keeps partial results: one failing provider does not fail the other', async () => {
    emu.setFault({ kind: 'status', status: 500, match: 'baostar/' });
    const r = await h.send<{ a: unknown; b: unknown }>(
      `{ a: smmBalance(provider: "sosyal") { amount } b: smmProviders { id balance { amount } } }`,
    );
    expect(r.data!.a).toEqual({ amount: '100.84292' });
    expect(codes(r).sort((x, y) => String(x.path).localeCompare(String(y.path)))).toEqual([
      { path: 'b.1.balance', code: 'UPSTREAM_UNAVAILABLE' },
      { path: 'b.3.balance', code: 'UNAUTHENTICATED' },
    ]);
  });
});

describe('SMM encodings', () => {
  it('sends GET with a query string and the configured User-Agent to a query-encoded provider', async () => {
    const r = await q(`{ smmBalance(provider: "sosyal-get") { amount } }`);
    expect(r.errors).toBeUndefined();
    const [call] = emu.calls('sosyal/balance');
    expect(call!.method).toBe('GET');
    expect(call!.query).toMatchObject({ action: 'balance' });
    expect(call!.headers['user-agent']).toBe('my-agent/1.0');
  });

  it('sends a browser-like User-Agent by default and form bodies to form providers', async () => {
    await q(BALANCE);
    const [call] = emu.calls('sosyal/balance');
    expect(call!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call!.headers['user-agent']).toMatch(/^Mozilla/);
  });
});

describe('subgraph secret', () => {
  it('refuses a request without the gateway secret with 401', async () => {
    const res = await request(h.stack.subgraphs.smm!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ smmProviders { id } }' }),
    });
    expect(res.statusCode).toBe(401);
    expect(await res.body.text()).toContain('UNAUTHENTICATED');
  });

  it('refuses a wrong secret and accepts the right one', async () => {
    const wrong = await gql(h.stack.subgraphs.smm!.url, '{ smmProviders { id } }', undefined, {
      [GATEWAY_SECRET_HEADER]: 'nope',
    });
    expect(wrong.status).toBe(401);
    const right = await gql(h.stack.subgraphs.smm!.url, '{ smmProviders { id } }', undefined, {
      [GATEWAY_SECRET_HEADER]: h.stack.secret,
    });
    expect(right.status).toBe(200);
    expect(right.errors).toBeUndefined();
  });
});
