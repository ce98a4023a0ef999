import './jit-unused.ts';
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import type * as GraphQL from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import { createRequire } from 'node:module';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

const require = createRequire(import.meta.url);
// graphql's CommonJS build: the one @apollo/subgraph built the schema with and graphql-jit
// compiles against (under Vite an `import` would load its ESM build, a second copy that refuses
// the schema as "from another module or realm"; under Node both are this one)
const { execute } = require('graphql') as typeof GraphQL;

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Answer = ExecutionResult<Record<string, unknown>>;

/**
 * graphql-jit 0.8.9 records a list item whose promise rejects with `resultArray.push(null)`, not
 * at the item's own index: when a later item fails before the earlier ones resolve, the null
 * lands at the wrong place and the list comes out shorter (an `_entities` answer lost the null of
 * a reference that was not found). Its item handler already completes an Error value exactly as
 * graphql-js does (the error located at the item's path, null at the item's index), so a
 * rejection with an Error is handed to that handler instead. The runtime object is the one
 * graphql-jit's CommonJS build shares with every compiled query (its ESM entry loads that build);
 * test/shared/compiled.test.ts fails if the fix stops reaching it.
 */
const jitRuntime = (
  require('graphql-jit/dist/runtime.js') as {
    jitRuntime: {
      isPromise(value: unknown): value is Promise<unknown>;
      handleListItemResult(
        ctx: { promiseCounter: number; resolve?: (ctx: unknown) => void },
        item: unknown,
        onSuccess: (value: unknown) => void,
        onError: (err: unknown) => void,
      ): void;
    };
  }
).jitRuntime;
jitRuntime.handleListItemResult = function (ctx, item, onSuccess, onError) {
  if (!this.isPromise(item)) {
    onSuccess(item);
    return;
  }
  // what graphql-jit's resolvePromise does, with an Error sent down the success path
  ++ctx.promiseCounter;
  const settled = () => {
    if (--ctx.promiseCounter === 0) ctx.resolve!(ctx);
  };
  item.then(
    (value) => {
      onSuccess(value);
      settled();
    },
    (err: unknown) => {
      if (err instanceof Error) onSuccess(err);
      else onError(err);
      settled();
    },
  );
};

/** What one operation of a parsed document runs with: its compiled form, or graphql-js. */
type Plan = CompiledQuery | 'interpret';

/**
 * Compiled operations kept per subgraph. One costs about 21 KiB of heap and 0.9 ms to compile
 * (`node --expose-gc --import tsx bench/jit-compile.ts`); an application sends tens of distinct
 * operations, and the gateway's query plans turn each into one document per subgraph. Past this
 * many, the least recently used is dropped and compiled again if it comes back, so a stream of
 * distinct queries cannot grow the heap.
 */
export const COMPILED_OPERATIONS = 256;

/**
 * Executes a subgraph's operations through graphql-jit instead of graphql-js's interpreter.
 *
 * Why: graphql-js walks the schema, the selection set and every field's type on every request
 * (instanceOf checks, argument coercion, a resolve-info object per field); for the 250-order
 * status batch that is 250 × 7 fields, and it was the largest single item left in the profile of
 * the subgraph tier. graphql-jit turns each operation into a function once and runs that.
 *
 * How it plugs in: Apollo Server 5 has no executor option for a plain schema, only its gateway
 * interface, which hands it a schema and an executor. Parsing, validation (introspection rules
 * included), the document cache, plugins, formatError and the HTTP layer stay Apollo Server's;
 * only the execution of a validated document changes. Apollo Server's document store keeps one
 * parsed document per distinct query text, so each document is compiled once, at its first run
 * (COMPILED_OPERATIONS bounds how many are kept).
 *
 * An operation graphql-jit cannot compile runs on graphql-js as before (test/shared/compiled.test.ts
 * holds the two executors to the same answers, errors included).
 */
export function compiledExecution(schema: GraphQLSchema): Gateway {
  // keyed by the document Apollo Server's document store hands back for the same query text
  const plans = new LRUCache<DocumentNode, Map<string | undefined, Plan>>({ max: COMPILED_OPERATIONS });

  const planOf = (document: DocumentNode, operationName: string | undefined): Plan => {
    let byName = plans.get(document);
    if (!byName) plans.set(document, (byName = new Map()));
    let plan = byName.get(operationName);
    if (plan === undefined) {
      const compiled = compileQuery(schema, document, operationName, {
        // an error's stack is only read where stack traces are shown, and a resolver's own
        // error keeps its stack: the located copy graphql-jit makes would only cost time
        disablingCapturingStackErrors: true,
      });
      plan = isCompiledQuery(compiled) ? compiled : 'interpret';
      byName.set(operationName, plan);
    }
    return plan;
  };

  return {
    // Apollo Server asks for the schema once, at start; a subgraph's schema never changes after
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return {
        schema,
        executor: async ({ document, operationName, request, context }) => {
          const plan = planOf(document, operationName ?? undefined);
          const result =
            plan === 'interpret' ? undefined : await plan.query(undefined, context, request.variables);
          // No `data` at all: the variables were refused before any resolver ran. graphql-js
          // says why in the scalar's own words ("at most 64 characters") and keeps the
          // scalar's error (its code) as the cause; graphql-jit only names the expected type.
          if (result && 'data' in result) return result as Answer;
          return (await execute({
            schema,
            document,
            operationName,
            variableValues: request.variables,
            contextValue: context,
          })) as Answer;
        },
      };
    },
    async stop() {},
  };
}
