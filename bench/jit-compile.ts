// What one compiled operation costs (subgraphs/shared/compiled.ts keeps at most 256 per subgraph):
// compile time and the heap a kept compiled operation holds, on the SMM subgraph's schema, for
// the shape of document the gateway sends it for `smmOrders`.
//   node --expose-gc --import tsx bench/jit-compile.ts      (BENCH_JIT_N: documents, 500)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type * as Subgraph from '@apollo/subgraph';
import { compileQuery, isCompiledQuery } from 'graphql-jit';

const require = createRequire(import.meta.url);
// graphql's CommonJS build, the one @apollo/subgraph and graphql-jit use (see compiled.ts)
const { parse } = require('graphql') as typeof GraphQL;
const { buildSubgraphSchema } = require('@apollo/subgraph') as typeof Subgraph;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/jit-compile.ts');
const n = Number(process.env.BENCH_JIT_N ?? 500);
const schema = buildSubgraphSchema({
  typeDefs: parse(readFileSync(new URL('../subgraphs/smm/schema.graphql', import.meta.url), 'utf8')),
});
// distinct documents of the shape the gateway sends (an alias makes each one new)
const doc = (i: number) =>
  parse(`query Q${i}($provider: ID!, $ids: [ID!]!) {
    o${i}: smmOrders(provider: $provider, ids: $ids) { __typename provider id status statusText charge startCount remains currency }
  }`);
for (let i = 0; i < 50; i++) compileQuery(schema, doc(n + i)); // warm V8 up
const docs = Array.from({ length: n }, (_, i) => doc(i));
gc();
const before = process.memoryUsage().heapUsed;
const kept: unknown[] = [];
const t0 = performance.now();
for (const d of docs) {
  const c = compileQuery(schema, d);
  if (!isCompiledQuery(c)) throw new Error(`did not compile: ${JSON.stringify(c.errors)}`);
  kept.push(c);
}
const ms = (performance.now() - t0) / n;
gc();
const kib = (process.memoryUsage().heapUsed - before) / n / 1024;
process.stdout.write(
  `${n} compiled operations (smmOrders, 9 fields): ${ms.toFixed(2)} ms each, ${kib.toFixed(1)} KiB of heap each while kept (${kept.length})\n`,
);
