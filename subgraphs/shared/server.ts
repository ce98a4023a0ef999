import '../../lib/flat-federation.ts';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { logger } from '../../lib/logger.ts';
import { stringifyOrHandOver } from '../../lib/in-process.ts';
import { publicMessage } from '../../lib/http-errors.ts';
import { metricsPlugin } from '../../lib/metrics.ts';
import type { SubgraphDefinition, SubgraphResolvers } from './definition.ts';
import { ErrorCode, LayerError } from './errors.ts';
import { scalarResolvers } from './scalars.ts';
import { compiledExecution } from './compiled.ts';

/** Builds the Apollo server of one subgraph (no port: tests execute operations on it directly). */
const production = () => process.env.NODE_ENV === 'production';

export function buildSubgraphServer<Ctx extends object>(
  def: SubgraphDefinition<Ctx>,
  plugins: ApolloServerPlugin<Ctx>[] = [],
): ApolloServer<Ctx> {
  // read once: what a running server hides must not change under it
  const inProduction = production();
  const schema = buildSubgraphSchema({
    typeDefs: def.typeDefs,
    resolvers: { ...scalarResolvers, ...def.resolvers } as SubgraphResolvers,
  });
  return new ApolloServer<Ctx>({
    // operations run compiled (graphql-jit) rather than interpreted by graphql-js
    gateway: compiledExecution(schema),
    includeStacktraceInErrorResponses: !inProduction && process.env.GRAPHQL_STACKTRACES === '1',
    introspection: !inProduction,
    logger,
    // a gateway in this process takes the result as it is (see stringifyOrHandOver)
    stringifyResult: stringifyOrHandOver,
    // the process decides when to stop (see shutdown.ts), not Apollo's own signal handlers
    stopOnTerminationSignals: false,
    // no Apollo Studio here: federated traces would only cost time on every request
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // no HTTP caching of GraphQL answers here: its per-field hook would only cost time
      ApolloServerPluginCacheControlDisabled(),
      metricsPlugin<Ctx>(def.name),
      ...plugins,
    ],
    formatError(formatted, error) {
      const code = formatted.extensions?.code;
      if (code === 'INTERNAL_SERVER_ERROR')
        logger.error({ err: error, subgraph: def.name }, 'resolver failed');
      const message = publicMessage(formatted.message, inProduction);
      // a literal a scalar refuses (`totalBudget: "1e5"`) fails validation, not execution: it
      // is the same caller mistake as the variable form, so it gets the same code
      const cause = (error as { originalError?: unknown } | null)?.originalError;
      if (
        code === 'GRAPHQL_VALIDATION_FAILED' &&
        cause instanceof LayerError &&
        cause.code === ErrorCode.BAD_USER_INPUT
      ) {
        return { ...formatted, message, extensions: { ...formatted.extensions, code: cause.code } };
      }
      return message === formatted.message ? formatted : { ...formatted, message };
    },
  });
}
