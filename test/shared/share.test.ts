// Identical reads in flight at once make one upstream call, as one client sees it: only between
// the same credentials, never for writes, each waiter with its own deadline and its own copy.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Emulator, json, type Reply } from '../../emulators/shared/emulator.ts';
import { ConfigError } from '../../lib/config.ts';
import { Deadline } from '../../lib/deadline.ts';
import { upstreamReadsShared } from '../../lib/metrics.ts';
import { runInScope } from '../../lib/request-context.ts';
import { httpSettings } from '../../subgraphs/shared/config.ts';
import type { LayerError } from '../../subgraphs/shared/errors.ts';
import { failure } from '../helpers/errors.ts';
import { closeAllPools, UpstreamHttp, type UpstreamRequest } from '../../subgraphs/shared/http.ts';
import { sharedReadsInFlight } from '../../subgraphs/shared/inflight.ts';

/** A promise the test settles: what holds a call in flight, instead of a timer. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

// every answer waits for the current gate, so a test decides when a call in flight comes back
let held = gate();
let reply: (n: number) => Reply = (n) => json(200, { answer: n, nested: { list: [1, 2] } });
const emu: Emulator = new Emulator({ name: 'share' }, async (): Promise<Reply> => {
  const n = emu.received;
  await held.opened;
  return reply(n);
});

const settings = { timeoutMs: 20_000, retries: 0, retryBaseMs: 1, connections: 8 };
let url: string;
const client = (extra: Partial<ConstructorParameters<typeof UpstreamHttp>[0]> = {}) =>
  new UpstreamHttp({
    api: 'smm',
    baseUrl: `${url}/api/v2`,
    breaker: { threshold: 0, halfOpenMs: 1000 },
    ...settings,
    ...extra,
  });

beforeAll(async () => {
  url = await emu.listen();
});
afterAll(async () => {
  held.open();
  await emu.close();
  await closeAllPools();
});
beforeEach(() => {
  // a call a failed test left waiting must not hang the next test or the pools' close
  held.open();
  emu.reset();
  held = gate();
  reply = (n) => json(200, { answer: n, nested: { list: [1, 2] } });
});

/** An SMM-style read: a form POST whose key is in the body. */
const status = (key: string): UpstreamRequest => ({
  method: 'POST',
  path: '',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ key, action: 'status', order: '1' }).toString(),
  kind: 'read',
  action: 'status',
});
/** A Solmate-style read: a GET whose credential is a header. */
const getOrder = (authorization: string): UpstreamRequest => ({
  method: 'GET',
  path: '/orders/1',
  headers: { authorization, accept: 'application/json' },
  kind: 'read',
  action: 'getOrder',
});

const shared = async (action: string) =>
  (await upstreamReadsShared.get()).values
    .filter((v) => v.labels.api === 'smm' && v.labels.action === action)
    .reduce((sum, v) => sum + v.value, 0);

/** Runs `fn` inside a request scope with its own deadline, as a subgraph resolver does. */
const inRequest = <T>(deadline: Deadline, fn: () => Promise<T>) =>
  runInScope({ requestId: `r${Math.random()}`, deadline }, fn);

describe('sharing identical reads in flight', () => {
  it('makes one call for two identical reads with the same credentials, and answers both alike', async () => {
    const http = client();
    const before = await shared('status');
    const [d1, d2] = [new Deadline(60_000), new Deadline(60_000)];
    const first = inRequest(d1, () => http.request(status('key-of-tenant-a')));
    await expect.poll(() => emu.received).toBe(1);
    // another client object, as another request builds its own: what is shared is the request
    const second = inRequest(d2, () => client().request(status('key-of-tenant-a')));
    expect(await shared('status')).toBe(before + 1);
    held.open();
    const [a, b] = await Promise.all([first, second]);
    expect(emu.received).toBe(1);
    expect(b).toEqual(a);
    expect(JSON.parse(a.body)).toEqual({ answer: 1, nested: { list: [1, 2] } });
    // each waiter has its own answer object: changing one changes nothing for the other
    expect(b).not.toBe(a);
    a.body = 'changed';
    expect(JSON.parse(b.body).answer).toBe(1);
    expect(sharedReadsInFlight()).toBe(0);
  });

  it('never shares between credentials: a key in the body or an Authorization header', async () => {
    const http = client();
    const d = () => new Deadline(60_000);
    const calls = [
      inRequest(d(), () => http.request(status('key-of-tenant-a'))),
      inRequest(d(), () => http.request(status('key-of-tenant-b'))),
      inRequest(d(), () => http.request(getOrder('Basic dGVuYW50LWE6cHc='))),
      inRequest(d(), () => http.request(getOrder('Basic dGVuYW50LWI6cHc='))),
    ];
    await expect.poll(() => emu.received).toBe(4);
    held.open();
    const answers = await Promise.all(calls);
    expect(new Set(answers.map((r) => JSON.parse(r.body).answer)).size).toBe(4);
  });

  it('never shares writes, even identical ones at the same moment', async () => {
    const http = client();
    const add: UpstreamRequest = { ...status('key-of-tenant-a'), kind: 'write', action: 'add' };
    const d = () => new Deadline(60_000);
    const calls = [inRequest(d(), () => http.request(add)), inRequest(d(), () => http.request(add))];
    await expect.poll(() => emu.received).toBe(2);
    held.open();
    await Promise.all(calls);
    expect(emu.received).toBe(2);
  });

  it('does not share between clients that report differently (two provider names on one panel)', async () => {
    const d = () => new Deadline(60_000);
    const calls = [
      inRequest(d(), () => client({ provider: 'one' }).request(status('k-1234'))),
      inRequest(d(), () => client({ provider: 'two' }).request(status('k-1234'))),
    ];
    await expect.poll(() => emu.received).toBe(2);
    held.open();
    await Promise.all(calls);
  });

  it('keeps the call going for the others when the caller that started it leaves', async () => {
    const http = client();
    const [d1, d2] = [new Deadline(60_000), new Deadline(60_000)];
    const first = failure(inRequest(d1, () => http.request(status('key-of-tenant-a'))));
    await expect.poll(() => emu.received).toBe(1);
    const second = inRequest(d2, () => http.request(status('key-of-tenant-a')));
    d1.end('caller_gone');
    const err = await first;
    expect(err.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).toMatch(/cut off: the caller disconnected/);
    held.open();
    await expect(second).resolves.toMatchObject({ status: 200 });
    expect(emu.received).toBe(1);
  });

  it('gives a waiter whose deadline passes its own error while the others go on', async () => {
    const http = client();
    const [long, short] = [new Deadline(60_000), new Deadline(200)];
    const first = inRequest(long, () => http.request(status('key-of-tenant-a')));
    await expect.poll(() => emu.received).toBe(1);
    const err = await failure(inRequest(short, () => http.request(status('key-of-tenant-a'))));
    expect(err.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).toMatch(/deadline of 200 ms passed/);
    held.open();
    await expect(first).resolves.toMatchObject({ status: 200 });
    expect(emu.received).toBe(1);
  });

  it('stops the call once every waiter has left, and the next caller sends its own', async () => {
    const http = client();
    const [d1, d2] = [new Deadline(60_000), new Deadline(60_000)];
    const calls = [d1, d2].map((d) => failure(inRequest(d, () => http.request(status('key-of-tenant-a')))));
    await expect.poll(() => emu.received).toBe(1);
    d1.end('caller_gone');
    d2.end('caller_gone');
    await Promise.all(calls);
    expect(sharedReadsInFlight()).toBe(0);
    held.open();
    const again = await inRequest(new Deadline(60_000), () => http.request(status('key-of-tenant-a')));
    expect(again.status).toBe(200);
    expect(emu.received).toBe(2);
  });

  it('fails every waiter with the same error, each its own object, and remembers nothing after', async () => {
    const http = client({ timeoutMs: 300 });
    const d = () => new Deadline(60_000);
    const calls = [1, 2].map(() => failure(inRequest(d(), () => http.request(status('key-of-tenant-a')))));
    // the gate stays shut: the one call times out after 300 ms
    const [a, b] = (await Promise.all(calls)) as [LayerError, LayerError];
    expect(emu.received).toBe(1);
    expect(a.extensions).toEqual(b.extensions);
    expect(a.message).toBe(b.message);
    expect(a.message).toMatch(/timed out after 300 ms/);
    expect(a).not.toBe(b);
    expect(a.extensions).not.toBe(b.extensions);
    expect(sharedReadsInFlight()).toBe(0);
    held.open();
    const again = await inRequest(d(), () => http.request(status('key-of-tenant-a')));
    expect(again.status).toBe(200);
    expect(emu.received).toBe(2);
  });

  it('shares a read between callers outside any request scope too', async () => {
    const http = client();
    const calls = [http.request(getOrder('Basic eDp5')), http.request(getOrder('Basic eDp5'))];
    await expect.poll(() => emu.received).toBe(1);
    held.open();
    await Promise.all(calls);
    expect(emu.received).toBe(1);
  });

  it('can be turned off (UPSTREAM_SHARE_READS=0): every read makes its own call', async () => {
    const settingsOff = httpSettings({ UPSTREAM_SHARE_READS: '0' });
    expect(settingsOff.shareReads).toBe(false);
    expect(httpSettings({}).shareReads).toBe(true);
    expect(() => httpSettings({ UPSTREAM_SHARE_READS: 'sometimes' })).toThrow(ConfigError);
    const http = client({ shareReads: settingsOff.shareReads });
    const d = () => new Deadline(60_000);
    const calls = [1, 2].map(() => inRequest(d(), () => http.request(status('key-of-tenant-a'))));
    await expect.poll(() => emu.received).toBe(2);
    held.open();
    await Promise.all(calls);
  });
});
