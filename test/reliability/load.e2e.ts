// A short load test for CI: loopback only, bounded by a number of requests (LOAD_REQUESTS, 500
// by default) rather than a duration, so a busy machine makes it slower, never thinner; every
// API's read mixed; zero transport errors, zero non-2xx, zero GraphQL errors, no timeouts.
import autocannon from 'autocannon';
import { describe, expect, it } from 'vitest';
import { parts } from '../../stack/parts/index.ts';
import { useStack } from '../helpers/use-stack.ts';
import { getText, metricValue, opsUrl } from './helpers.ts';
import { isCleanAnswer, loadMix } from './load-mix.ts';

const REQUESTS = Number(process.env.LOAD_REQUESTS ?? 500);

const h = useStack(parts, { env: { UPSTREAM_TIMEOUT_MS: '5000' } });

describe('load', () => {
  it(
    `answers all of ${REQUESTS} requests from 10 connections without an error`,
    { timeout: 180_000 },
    async () => {
      const url = new URL(h.stack.gatewayUrl);
      expect(url.hostname).toBe('127.0.0.1');
      const before = metricValue(
        (await getText(opsUrl(h.stack, '/metrics'))).text,
        'graphql_requests_total',
        {
          service: 'gateway',
          operation: 'query',
        },
      );
      const result = await autocannon({
        url: url.origin,
        connections: 10,
        amount: REQUESTS,
        timeout: 30,
        requests: loadMix(parts, url.pathname),
        verifyBody: (body) => isCleanAnswer(String(body)),
      });
      const figures = {
        requests: result.requests.total,
        rps: Math.round(result.requests.average),
        p50ms: result.latency.p50,
        p99ms: result.latency.p99,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        mismatches: result.mismatches,
      };
      console.info('load figures', figures);
      expect(figures).toMatchObject({ errors: 0, timeouts: 0, non2xx: 0, mismatches: 0 });
      expect(result.requests.total).toBe(REQUESTS);
      const after = metricValue((await getText(opsUrl(h.stack, '/metrics'))).text, 'graphql_requests_total', {
        service: 'gateway',
        operation: 'query',
      });
      expect(after - before).toBeGreaterThanOrEqual(result.requests.total);
      expect((await getText(opsUrl(h.stack, '/health'))).status).toBe(200);
    },
  );
});
