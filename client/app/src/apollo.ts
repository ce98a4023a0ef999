import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';

/** The gateway's GraphQL endpoint: the dev server proxies /graphql (see vite.config.ts). */
export const GRAPHQL_URL: string = import.meta.env.VITE_GRAPHQL_URL ?? '/graphql';

export function createApolloClient(uri = GRAPHQL_URL) {
  return new ApolloClient({
    link: new HttpLink({ uri }),
    cache: new InMemoryCache({
      typePolicies: {
        // ids are only unique within one SMM provider
        SmmOrder: { keyFields: ['provider', 'id'] },
        SmmRefill: { keyFields: ['provider', 'id'] },
        // a service id is per provider and the type does not say which: keep services inside their list
        SmmService: { keyFields: false },
        SmmProvider: { keyFields: ['id'] },
      },
    }),
  });
}
