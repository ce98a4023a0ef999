import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type OperationDefinitionNode } from 'graphql';
import { echo } from '../lib/http-errors.ts';

const refuse = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });

/**
 * Which operation to run is the caller's choice, so a wrong choice is the caller's mistake (400):
 * left to the gateway's query planner, a missing or unknown operationName and a subscription
 * (this graph has none) come back as 500s that look like our failure.
 */
export function operationChoicePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) {
            const names = document.definitions
              .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
              .map((d) => d.name?.value ?? '(anonymous)');
            const listed = names.slice(0, 10).map(echo).join(', ') + (names.length > 10 ? ', …' : '');
            throw refuse(
              request.operationName
                ? `Unknown operation named "${echo(request.operationName)}"; the document has: ${listed}`
                : `Must provide operationName when the document has several operations (${listed})`,
            );
          }
          if (operation.operation === 'subscription') {
            throw refuse('This graph has no subscriptions; send a query or a mutation');
          }
        },
      };
    },
  };
}
