import { createRequire } from 'node:module';
import { deferCallable } from '../../lib/deferred-require.ts';

// Imported by compiled.ts before graphql-jit, so that the stand-in is in require's cache when it
// loads. graphql-jit requires fast-json-stringify at load for its `customJSONSerializer` option
// alone, which compiled.ts leaves off (the in-process gateway takes the result as a value, and
// over HTTP Apollo Server writes the body). Loaded, it and its JSON-schema dependencies were
// about 3 MiB of resident memory in every process that runs a subgraph.
deferCallable(createRequire(import.meta.url).resolve('graphql-jit'), 'fast-json-stringify');
