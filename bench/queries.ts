/** The operations the scenarios send (scenario 1 and 2), shared by the bench and the profiler. */
export const ORDER_QUERY = /* GraphQL */ `
  query OrderStatus($id: ID!) {
    smmOrder(provider: "sosyal", id: $id) {
      id
      status
      statusText
      charge
      startCount
      remains
      currency
    }
  }
`;

export const ORDERS_QUERY = /* GraphQL */ `
  query Orders($ids: [ID!]!) {
    smmOrders(provider: "sosyal", ids: $ids) {
      id
      status
      statusText
      charge
      startCount
      remains
      currency
    }
  }
`;

/** 250 ids for scenario 2: 230 distinct, the first 20 asked twice. */
export const batchIds = (unique: string[]): string[] => [...unique, ...unique.slice(0, 20)];
