// Operability: /health, /ready, Prometheus /metrics, and one request id on every log line of a
// request, from the gateway through the subgraph to the upstream call.
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smmPart } from '../../stack/parts/smm.ts';
import { logger, tapLogs } from '../../lib/logger.ts';
import { useStack } from '../helpers/use-stack.ts';
import { getJson, getText, metricValue, opsUrl } from './helpers.ts';

const h = useStack([smmPart]);
beforeEach(() => h.stack.emulators.smm!.reset());

const BALANCE = '{ smmBalance(provider: "sosyal") { amount } }';
const metrics = async () => (await getText(opsUrl(h.stack, '/metrics'))).text;

describe('/health and /ready', () => {
  it('/health answers while the process lives', async () => {
    expect(await getJson(opsUrl(h.stack, '/health'))).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('/ready lists each subgraph and its upstream circuits once they were called', async () => {
    await h.send(BALANCE);
    const r = await getJson(opsUrl(h.stack, '/ready'));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'ready',
      subgraphs: {
        smm: { status: 'up', upstreams: [{ upstream: 'smm/sosyal', api: 'smm', state: 'closed' }] },
      },
    });
  });

  describe('with a subgraph stopped', () => {
    // a stack of its own: this one loses its subgraph
    const other = useStack([smmPart]);
    it('/ready answers 503 naming the subgraph that does not answer', async () => {
      await other.stack.subgraphs.smm!.close();
      const r = await getJson<{ status: string; subgraphs: Record<string, { status: string }> }>(
        opsUrl(other.stack, '/ready'),
      );
      expect(r.status).toBe(503);
      expect(r.body.status).toBe('unready');
      expect(r.body.subgraphs.smm!.status).toBe('down');
      expect((await getJson(opsUrl(other.stack, '/health'))).status).toBe(200);
    });
  });
});

describe('/metrics', () => {
  it('counts requests, errors by code, and upstream calls by api, action and outcome', async () => {
    const before = await metrics();
    await h.send(BALANCE);
    await h.send('{ smmOrder(provider: "sosyal", id: "424242") { id } }');
    h.stack.emulators.smm!.setFault({ kind: 'malformed', match: 'sosyal/balance' });
    await h.send(BALANCE);
    const after = await metrics();
    const delta = (name: string, labels: Record<string, string>) =>
      metricValue(after, name, labels) - metricValue(before, name, labels);

    expect(delta('graphql_requests_total', { service: 'gateway', operation: 'query' })).toBe(3);
    expect(delta('graphql_requests_total', { service: 'smm', operation: 'query' })).toBe(3);
    expect(delta('graphql_errors_total', { service: 'gateway', code: 'NOT_FOUND' })).toBe(1);
    expect(delta('graphql_errors_total', { service: 'gateway', code: 'UPSTREAM_BAD_RESPONSE' })).toBe(1);
    expect(delta('upstream_requests_total', { api: 'smm', action: 'balance', outcome: '2xx' })).toBe(2);
    expect(delta('upstream_requests_total', { api: 'smm', action: 'status', outcome: '4xx' })).toBe(0);
    expect(delta('upstream_requests_total', { api: 'smm', action: 'status', outcome: '2xx' })).toBe(1);
    expect(delta('upstream_request_duration_seconds_count', { api: 'smm', action: 'balance' })).toBe(2);
    expect(after).toMatch(/^graphql_request_duration_seconds_bucket\{le="0\.1",service="gateway"\} \d+$/m);
    expect(after).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('counts requests the gateway refuses before planning, by reason', async () => {
    const before = await metrics();
    const ids = Array.from({ length: 2001 }, (_, k) => String(k + 1));
    const r = await h.send('query($ids: [ID!]!) { smmOrders(provider: "sosyal", ids: $ids) { id } }', {
      ids,
    });
    expect(r.status).toBe(400);
    const big = await h.send(BALANCE, { pad: 'x'.repeat(1024 * 1024) });
    expect(big.status).toBe(413);
    const after = await metrics();
    for (const reason of ['list_items', 'body_too_large']) {
      const d =
        metricValue(after, 'gateway_rejected_requests_total', { reason }) -
        metricValue(before, 'gateway_rejected_requests_total', { reason });
      expect(d, reason).toBe(1);
    }
  });

  it('is also served by each subgraph, to whoever holds the gateway secret', async () => {
    const url = new URL('/metrics', h.stack.subgraphs.smm!.url).toString();
    expect((await getText(url)).status).toBe(401);
    const sub = await getText(url, { [GATEWAY_SECRET_HEADER]: h.stack.secret });
    expect(sub.status).toBe(200);
    expect(sub.text).toMatch(/^# TYPE upstream_requests_total counter$/m);
  });
});

describe('request ids', () => {
  const lines: Array<Record<string, unknown>> = [];
  let untap = () => {};
  const level = logger.level;
  beforeEach(() => {
    lines.length = 0;
    logger.level = 'debug';
    untap = tapLogs((l) => lines.push(JSON.parse(l) as Record<string, unknown>), { mute: true });
  });
  afterEach(() => {
    untap();
    logger.level = level;
  });

  it("carries the caller's x-request-id from the gateway to the subgraph to the upstream call", async () => {
    const r = await h.send(BALANCE, undefined, { 'x-request-id': 'trace-me-123' });
    expect(r.headers['x-request-id']).toBe('trace-me-123');
    const mine = lines.filter((l) => l.requestId === 'trace-me-123');
    expect(mine.map((l) => [l.msg, l.component ?? l.api])).toEqual(
      expect.arrayContaining([
        ['graphql request', 'gateway'],
        ['graphql request', 'smm'],
        ['upstream call', 'smm'],
      ]),
    );
    expect(mine.find((l) => l.msg === 'upstream call')).toMatchObject({
      action: 'balance',
      provider: 'sosyal',
      status: 200,
    });
  });

  it('names a request that came without one, and refuses ids that are not plain tokens', async () => {
    for (const given of [undefined, 'bad id with spaces', 'x'.repeat(65)]) {
      lines.length = 0;
      const r = await h.send(BALANCE, undefined, given ? { 'x-request-id': given } : {});
      const id = String(r.headers['x-request-id']);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines.filter((l) => l.requestId === id).length).toBeGreaterThanOrEqual(3);
      expect(lines.some((l) => l.requestId !== undefined && l.requestId !== id)).toBe(false);
    }
  });
});
