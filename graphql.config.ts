import type { IGraphQLConfig } from 'graphql-config';

/**
 * For editors (the GraphQL extension for VS Code, JetBrains' GraphQL plugin): completion and
 * validation of client/operations against the API schema apps see, not the raw supergraph.
 */
const config: IGraphQLConfig = {
  schema: 'schema/api-schema.graphql',
  documents: 'client/operations/**/*.graphql',
};

export default config;
