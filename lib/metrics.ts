import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { logger } from './logger.ts';

/**
 * The process's Prometheus registry, served at /metrics. Under `npm start` the gateway and
 * every subgraph share one process, so one scrape of the gateway shows all of them; run apart,
 * each subgraph serves its own. With WORKERS > 1 a scrape shows the sum over every worker
 * (lib/cluster.ts).
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const graphqlRequests = new Counter({
  name: 'graphql_requests_total',
  help: 'GraphQL operations answered, by service (gateway or subgraph) and operation type',
  labelNames: ['service', 'operation'] as const,
  registers: [metricsRegistry],
});

export const graphqlErrors = new Counter({
  name: 'graphql_errors_total',
  help: 'GraphQL errors sent to callers, by service and extensions.code',
  labelNames: ['service', 'code'] as const,
  registers: [metricsRegistry],
});

export const graphqlDuration = new Histogram({
  name: 'graphql_request_duration_seconds',
  help: 'Time from receiving a GraphQL operation to sending its answer',
  labelNames: ['service'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

export const rejectedRequests = new Counter({
  name: 'gateway_rejected_requests_total',
  help: 'Requests the gateway refused before planning them, by reason',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

export const trustedDocumentResults = new Counter({
  name: 'gateway_trusted_documents_total',
  help: 'Operations by trusted-documents result (GATEWAY_TRUSTED_DOCUMENTS): by_hash, listed (full text in the manifest), unlisted (allowed), refused',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

export const upstreamCalls = new Counter({
  name: 'upstream_requests_total',
  help: 'Attempts of REST calls to upstream APIs, by api, action and outcome (2xx..5xx, timeout, error, circuit_open; cut: a read stopped when its request ended; not_sent_deadline, not_sent_caller_gone: not sent because the request ended first)',
  labelNames: ['api', 'action', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const upstreamReadsShared = new Counter({
  name: 'upstream_reads_shared_total',
  help: 'Upstream reads not sent because the same read (same upstream, request and credentials) was already in flight: each joined that call and got its answer, one call saved (UPSTREAM_SHARE_READS)',
  labelNames: ['api', 'action'] as const,
  registers: [metricsRegistry],
});

export const upstreamDuration = new Histogram({
  name: 'upstream_request_duration_seconds',
  help: 'Duration of one attempt of a REST call to an upstream API (headers and body)',
  labelNames: ['api', 'action'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

export const batchSizes = new Histogram({
  name: 'dataloader_batch_size',
  help: 'Keys per DataLoader batch, by api and action',
  labelNames: ['api', 'action'] as const,
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  registers: [metricsRegistry],
});

/** Call from a DataLoader batch function with the number of keys it received. */
export function recordBatch(api: string, action: string, size: number): void {
  batchSizes.observe({ api, action }, size);
}

/** Anything that counts its hits and misses, such as a StoreCache. */
export interface CountingCache {
  hits: number;
  misses: number;
}

const caches = new Map<string, CountingCache>();
// What the counters last reported per cache: a counter only moves forward by the difference.
const reported = new Map<string, { hits: number; misses: number }>();

/**
 * Exposes a cache's hit and miss counters as cache_hits_total / cache_misses_total{cache}.
 * Registering another cache under the same name replaces the first.
 */
export function registerCache(name: string, cache: CountingCache): void {
  caches.set(name, cache);
  reported.set(name, { hits: cache.hits, misses: cache.misses });
  cacheHits.inc({ cache: name }, 0);
  cacheMisses.inc({ cache: name }, 0);
}

function advance(counter: Counter<'cache'>, field: 'hits' | 'misses') {
  for (const [name, cache] of caches) {
    const last = reported.get(name)!;
    const delta = cache[field] - last[field];
    if (delta > 0) counter.inc({ cache: name }, delta);
    last[field] = cache[field];
  }
}

export const cacheHits: Counter<'cache'> = new Counter({
  name: 'cache_hits_total',
  help: 'Cache lookups answered from the cache, by cache',
  labelNames: ['cache'] as const,
  registers: [metricsRegistry],
  collect() {
    advance(cacheHits, 'hits');
  },
});

export const cacheMisses: Counter<'cache'> = new Counter({
  name: 'cache_misses_total',
  help: 'Cache lookups that had to load, by cache',
  labelNames: ['cache'] as const,
  registers: [metricsRegistry],
  collect() {
    advance(cacheMisses, 'misses');
  },
});

export const cacheStoreFailures = new Counter({
  name: 'cache_store_failures_total',
  help: 'Cache store operations that failed or timed out and were read upstream instead (caches fail open)',
  labelNames: ['cache'] as const,
  registers: [metricsRegistry],
});

export const keyedWrites = new Counter({
  name: 'idempotency_keyed_writes_total',
  help:
    'Writes with an idempotency key, by outcome: sent (claimed and run), replayed (a stored outcome ' +
    'returned), waited (found the key in flight and waited), conflict (still in flight after the ' +
    'wait), unresolved (sent by a process that stopped mid-call: OUTCOME_UNKNOWN)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const circuitStates = new Gauge({
  name: 'upstream_circuit_state',
  help: 'Circuit breaker per upstream: 0 closed, 1 open, 2 half-open (WORKERS > 1: the worst of the workers)',
  labelNames: ['upstream'] as const,
  aggregator: 'max',
  registers: [metricsRegistry],
});

/**
 * Counts operations, errors by code and durations for one Apollo Server, and writes one access
 * log line per operation (operation name and error codes only: never variables, which can
 * carry tokens).
 */
export function metricsPlugin<Ctx extends object>(
  service: string,
  accessLogLevel: 'info' | 'debug' = 'debug',
): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, operation, request }) {
          const seconds = (performance.now() - started) / 1000;
          const operationType = operation?.operation ?? 'unknown';
          graphqlRequests.inc({ service, operation: operationType });
          graphqlDuration.observe({ service }, seconds);
          const body = response.body;
          const errors = body.kind === 'single' ? (body.singleResult.errors ?? []) : [];
          const codes = errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
          for (const code of codes) graphqlErrors.inc({ service, code });
          logger[accessLogLevel](
            {
              component: service,
              operation: operationType,
              operationName: request.operationName?.slice(0, 100),
              ms: Math.round(seconds * 1000),
              ...(codes.length > 0 ? { errors: codes } : {}),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
