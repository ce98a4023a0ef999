import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';

/**
 * OpenTelemetry traces, exported over OTLP/HTTP when the standard OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set. Without it no SDK module is even loaded and every
 * helper below is a plain call: @opentelemetry/api alone hands out no-op spans, and ours skip
 * even those. @apollo/gateway emits its own spans (gateway.request, .plan, .execute, .fetch)
 * through the same API once a provider is registered.
 */
export const tracingConfigured = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.OTEL_SDK_DISABLED !== 'true' &&
  Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);

interface Provider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

let enabled = false;
let starting: Promise<Provider | null> | null = null;

/** Whether spans are recorded in this process. */
export const tracingEnabled = (): boolean => enabled;

/**
 * Registers the process's tracer provider (once; later calls share the first). It reads
 * process.env because the exporter reads the rest of the standard OTEL_EXPORTER_OTLP_* variables
 * (protocol, headers, timeout) from there itself.
 */
export function startTracing(): Promise<Provider | null> {
  const env = process.env;
  if (starting) return starting;
  if (!tracingConfigured(env)) return Promise.resolve(null);
  starting = (async () => {
    const [
      { NodeTracerProvider },
      { BatchSpanProcessor },
      { OTLPTraceExporter },
      { resourceFromAttributes },
    ] = await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || 'rest-federation' }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
    });
    // AsyncLocalStorage context and the W3C traceparent/baggage propagator
    provider.register();
    enabled = true;
    return provider;
  })();
  return starting;
}

/**
 * Flushes and unregisters the provider, back to the API's no-ops (the bench alternates tracing
 * off and on in one process to compare them).
 */
export async function stopTracing(): Promise<void> {
  const provider = await starting;
  enabled = false;
  starting = null;
  if (!provider) return;
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
}

/** Sends the spans still buffered (on shutdown, and in tests before reading the receiver). */
export async function flushTracing(): Promise<void> {
  await (await starting)?.forceFlush();
}

const tracer = () => trace.getTracer('rest-federation');

// An error's code (LayerError, GraphQLError) or class name: messages may quote upstream text.
const errorLabel = (err: unknown): string =>
  String((err as { code?: unknown })?.code ?? (err as Error)?.name ?? 'Error');

/** Runs `fn` inside a span when tracing is on; exactly `fn()` when it is off. */
export function traced<T>(
  name: string,
  attributes: Attributes,
  fn: (span?: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  if (!enabled) return fn();
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorLabel(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * One upstream REST call as a client span: method, upstream, action and status, never the URL
 * (SMM panels take the key in it), headers or bodies.
 */
export function tracedUpstreamCall<T extends { status: number }>(
  attrs: { method: string; api: string; provider?: string; action: string },
  send: () => Promise<T>,
): Promise<T> {
  if (!enabled) return send();
  const attributes: Attributes = {
    'http.request.method': attrs.method,
    'upstream.api': attrs.api,
    'upstream.action': attrs.action,
  };
  if (attrs.provider) attributes['upstream.provider'] = attrs.provider;
  return traced(
    `${attrs.api} ${attrs.action}`,
    attributes,
    async (span) => {
      const res = await send();
      span?.setAttribute('http.response.status_code', res.status);
      if (res.status >= 500) span?.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.status}` });
      return res;
    },
    SpanKind.CLIENT,
  );
}

/**
 * A request's wait for an identical upstream read another request sent (UPSTREAM_SHARE_READS):
 * the call's own client span is in the sender's trace, so without this one the joiner's trace
 * would show a gap where its time went. Same attributes as the call's span, plus
 * `upstream.shared`; the status is that of the answer this request got.
 */
export function tracedSharedWait<T extends { status: number }>(
  attrs: { api: string; provider?: string; action: string },
  wait: Promise<T>,
): Promise<T> {
  if (!enabled) return wait;
  const attributes: Attributes = {
    'upstream.api': attrs.api,
    'upstream.action': attrs.action,
    'upstream.shared': true,
  };
  if (attrs.provider) attributes['upstream.provider'] = attrs.provider;
  return traced(`${attrs.api} ${attrs.action} (shared)`, attributes, async (span) => {
    const res = await wait;
    span?.setAttribute('http.response.status_code', res.status);
    if (res.status >= 500) span?.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.status}` });
    return res;
  });
}

/** Wraps a DataLoader batch function: one span per batch, with its size. */
export function tracedBatch<K, V>(
  api: string,
  action: string,
  batch: (keys: readonly K[]) => PromiseLike<ArrayLike<V | Error>>,
): (keys: readonly K[]) => Promise<ArrayLike<V | Error>> {
  return (keys) =>
    traced(
      `dataloader ${api}.${action}`,
      { 'dataloader.api': api, 'dataloader.action': action, 'dataloader.batch_size': keys.length },
      async () => batch(keys),
    );
}

/**
 * Node middleware: one server span per request, continuing the caller's W3C `traceparent`.
 * Mount it after the body parser, like the request scope: stream callbacks run in the socket's
 * async context, so a context entered earlier would be lost.
 */
export function traceRequests(service: string) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (!enabled) return next();
    const parent = propagation.extract(context.active(), req.headers);
    const requestId = res.getHeader('x-request-id');
    const span = tracer().startSpan(
      `${req.method ?? 'GET'} ${service}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method ?? 'GET',
          'service.component': service,
          ...(typeof requestId === 'string' ? { 'request.id': requestId } : {}),
        },
      },
      parent,
    );
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500)
        span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.statusCode}` });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/**
 * One server span around `handle`, continuing the caller's W3C `traceparent` from `headers`: the
 * subgraph's request, whether it came over HTTP or from the gateway in the same process. Exactly
 * `handle()` when tracing is off.
 */
export function tracedServerRequest<T extends { status?: number }>(
  service: string,
  request: { method: string; headers: Record<string, string | string[] | undefined>; requestId: string },
  handle: () => Promise<T>,
): Promise<T> {
  if (!enabled) return handle();
  const parent = propagation.extract(context.active(), request.headers);
  const span = tracer().startSpan(
    `${request.method} ${service}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': request.method,
        'service.component': service,
        'request.id': request.requestId,
      },
    },
    parent,
  );
  const end = (status: number) => {
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
    span.end();
  };
  return context.with(trace.setSpan(parent, span), handle).then(
    (answer) => {
      end(answer.status || 200);
      return answer;
    },
    (err: unknown) => {
      end(500);
      throw err;
    },
  );
}

/** Adds `traceparent` (and `tracestate`) of the active span to an outgoing request's headers. */
export function injectTraceContext(headers: { set(name: string, value: string): void }): void {
  if (!enabled) return;
  propagation.inject(context.active(), headers, { set: (h, k, v) => h.set(k, v) });
}
