import { createRequire } from 'node:module';
import { deferRequire } from '../lib/deferred-require.ts';

// Imported by server.ts before @apollo/gateway, so that these are in require's cache when it
// loads. @apollo/gateway requires them at load for its usage report to Apollo alone: an
// OpenTelemetry meter provider with AWS, GCP, Azure and Alibaba resource detectors, built only
// when APOLLO_TELEMETRY_DISABLED is not set (server.ts sets it). Loaded, they were about 13 MiB
// of heap and 20 MiB of resident memory in every process that runs a gateway (two in `npm start`
// with WORKERS=2); deferred, they load at their first use, should one ever come. Not deferred:
// the semantic conventions (read for two constants when the module loads) and Apollo Studio's
// protobuf (executeQueryPlan builds a trace node per plan node, traces captured or not).
deferRequire(createRequire(import.meta.url).resolve('@apollo/gateway'), [
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/resources',
  '@opentelemetry/resource-detector-alibaba-cloud',
  '@opentelemetry/resource-detector-aws',
  '@opentelemetry/resource-detector-gcp',
  '@opentelemetry/resource-detector-azure',
  '@opentelemetry/exporter-metrics-otlp-http',
]);
