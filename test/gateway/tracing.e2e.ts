import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildFanout } from '../../bench/fanout.ts';
import { flushTracing, tracingConfigured, tracingEnabled } from '../../lib/tracing.ts';
import { useStack } from '../helpers/use-stack.ts';
import type { SmmEmulator } from '../../emulators/smm/index.ts';
import { upstreamReadsShared } from '../../lib/metrics.ts';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: OtlpValue }>;
}
interface Received {
  resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
}

const SERVER = 2;
const CLIENT = 3;

/** The tiny OTLP/HTTP (JSON) receiver: keeps every span it is sent. */
const spans: OtlpSpan[] = [];
let receiver: Server;

const attrs = (s: OtlpSpan): Record<string, string | number | boolean> =>
  Object.fromEntries(
    (s.attributes ?? []).map(({ key, value }) => [
      key,
      value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.boolValue!),
    ]),
  );

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received;
        for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  // the standard variables, read by the SDK when the stack starts (the SDK reads process.env)
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
});
// after the receiver's hooks: the stack starts once the SDK's variables are set, and closes first
// no SolSub check cache: the fan-out's own trial call would otherwise answer the traced one
const h = useStack(undefined, { env: { SOLSUB_CACHE_TTL_MS: '0' } });

describe('OpenTelemetry traces over OTLP/HTTP', () => {
  it('is off without an endpoint, on with one', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(
      tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }),
    ).toBe(false);
    expect(tracingEnabled()).toBe(true);
  });

  it('one trace for the four-API dashboard query, continuing the caller traceparent down to each upstream call', async () => {
    const fanout = await buildFanout(h.stack, ['smm', 'solmate', 'solsub', 'likenama']);
    expect(fanout.skipped).toEqual([]);
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const r = await h.send(fanout.query, undefined, {
      ...fanout.headers,
      traceparent: `00-${traceId}-${callerSpan}-01`,
    });
    expect(r.errors).toBeUndefined();

    // spans end as their responses close: wait until the gateway's own server span has arrived
    await vi.waitFor(
      async () => {
        await flushTracing();
        expect(spans.some((s) => s.traceId === traceId && s.name === 'POST gateway')).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
    const mine = spans.filter((s) => s.traceId === traceId);
    const byId = new Map(mine.map((s) => [s.spanId, s]));
    const parentOf = (s: OtlpSpan) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
    const ancestors = (s: OtlpSpan) => {
      const out: string[] = [];
      for (let p = parentOf(s); p; p = parentOf(p)) out.push(p.name);
      return out;
    };

    // the root continues the caller's span; everything else hangs under it
    const root = mine.find((s) => s.name === 'POST gateway')!;
    expect(root.parentSpanId).toBe(callerSpan);
    expect(root.kind).toBe(SERVER);
    for (const s of mine) if (s !== root) expect(ancestors(s), s.name).toContain('POST gateway');

    // @apollo/gateway's own spans: the plan, and one fetch per subgraph
    expect(mine.map((s) => s.name)).toEqual(expect.arrayContaining(['gateway.request', 'gateway.plan']));
    for (const api of ['smm', 'solmate', 'solsub', 'likenama']) {
      const sub = mine.filter((s) => s.name === `POST subgraph ${api}`);
      expect(sub, api).toHaveLength(1);
      expect(parentOf(sub[0]!)?.name, api).toBe('gateway.fetch');
      const calls = mine.filter((s) => s.kind === CLIENT && attrs(s)['upstream.api'] === api);
      expect(calls.length, api).toBeGreaterThan(0);
      for (const c of calls) {
        expect(ancestors(c), c.name).toContain(`POST subgraph ${api}`);
        expect(attrs(c)).toMatchObject({
          'http.request.method': expect.stringMatching(/^(GET|POST)$/),
          'upstream.action': expect.any(String),
          // SolSub answers a state it knows with 422: the status is upstream's, whatever it is
          'http.response.status_code': expect.any(Number),
        });
      }
    }

    // each DataLoader batch is a span, and the upstream calls it makes are its children
    const batches = mine.filter((s) => s.name.startsWith('dataloader '));
    expect(batches.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'dataloader smm.status',
        'dataloader solmate.getOrder',
        'dataloader solsub.check',
      ]),
    );
    const smmBatch = batches.find((s) => s.name === 'dataloader smm.status')!;
    // the dashboard asks for several SMM orders: one batch, one comma-joined status call
    expect(attrs(smmBatch)['dataloader.batch_size']).toBeGreaterThan(1);
    expect(
      mine.filter((s) => s.parentSpanId === smmBatch.spanId).map((s) => attrs(s)['upstream.action']),
    ).toEqual(['status']);
  });

  it('a request that joins an identical upstream read in flight shows its wait as a span of its own', async () => {
    const smm = h.stack.emulators.smm as SmmEmulator;
    const id = String(smm.panels.get('sosyal')!.seedOrder(1, 100));
    smm.clearRequests();
    let release!: () => void;
    smm.setFault({
      kind: 'latency',
      match: 'sosyal/status',
      times: 1,
      hold: new Promise<void>((resolve) => (release = resolve)),
    });
    const [sender, joiner] = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];
    const ask = (traceId: string) =>
      h.send(
        'query ($id: ID!) { smmOrder(provider: "sosyal", id: $id) { id status } }',
        { id },
        {
          traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
        },
      );
    const sharedSoFar = async () =>
      (await upstreamReadsShared.get()).values.reduce((sum, v) => sum + v.value, 0);
    const before = await sharedSoFar();
    let answers;
    try {
      const first = ask(sender);
      await expect.poll(() => smm.calls('sosyal/status').length).toBe(1);
      const second = ask(joiner);
      // observed, not slept: the second request has joined the call held in flight
      await expect.poll(sharedSoFar).toBe(before + 1);
      release();
      answers = await Promise.all([first, second]);
    } finally {
      release();
    }
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(smm.calls('sosyal/status')).toHaveLength(1);

    await vi.waitFor(
      async () => {
        await flushTracing();
        for (const t of [sender, joiner])
          expect(spans.some((s) => s.traceId === t && s.name === 'POST gateway')).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
    const statusSpans = (traceId: string) =>
      spans.filter((s) => s.traceId === traceId && attrs(s)['upstream.action'] === 'status');
    // the sender's trace has the call; the joiner's has its wait, under its own subgraph request
    expect(statusSpans(sender).map((s) => [s.name, s.kind])).toEqual([['smm status', CLIENT]]);
    const [wait, ...more] = statusSpans(joiner);
    expect(more).toEqual([]);
    expect(wait!.name).toBe('smm status (shared)');
    expect(wait!.kind).not.toBe(CLIENT);
    expect(attrs(wait!)).toMatchObject({
      'upstream.api': 'smm',
      'upstream.provider': 'sosyal',
      'upstream.shared': true,
      'http.response.status_code': 200,
    });
    const joinerSpans = new Map(spans.filter((s) => s.traceId === joiner).map((s) => [s.spanId, s]));
    const names: string[] = [];
    for (let p = joinerSpans.get(wait!.parentSpanId!); p; p = joinerSpans.get(p.parentSpanId!))
      names.push(p.name);
    expect(names).toContain('POST subgraph smm');
  });

  it('no span carries a credential, a URL, a document or a body', () => {
    const credentials = [
      h.stack.secret,
      ...Object.entries(h.stack.env)
        .filter(([k, v]) => /KEY|TOKEN|PASSWORD|SECRET|AUTH|PROVIDERS/.test(k) && v)
        .flatMap(([, v]) => [v!, ...(v!.match(/[\w-]{8,}/g) ?? [])]),
    ].filter((v) => v.length >= 8);
    expect(credentials.length).toBeGreaterThan(3);
    const seen = JSON.stringify(spans);
    for (const c of credentials) expect(seen).not.toContain(c);
    const keys = new Set(spans.flatMap((s) => (s.attributes ?? []).map((a) => a.key)));
    for (const k of keys) expect(k).not.toMatch(/url|document|body|header/i);
  });
});
