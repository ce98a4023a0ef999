// Type-checked, never run: proves that an app's mistake with a generated hook fails `tsc`.
// Each `@ts-expect-error` must meet an error, or tsc fails with "Unused '@ts-expect-error'".
// Checked by `npx tsc -p client/tsconfig.json` (test/client/generated.test.ts), with the bundler
// resolution apps use.
import {
  useCreateOrderMutation,
  useLikenamaViewerQuery,
  useMatchIdStatusQuery,
  useMatchIdStatusSuspenseQuery,
  useSmmAddOrderMutation,
  useSmmOrdersQuery,
  useSmmProvidersQuery,
  useSmmServicesQuery,
  type SmmOrderStatus,
} from '../../client/__generated__/hooks.ts';

export function RightUses() {
  const providers = useSmmProvidersQuery();
  const first: string | undefined = providers.data?.smmProviders[0]?.balance?.amount;

  const orders = useSmmOrdersQuery({ variables: { provider: 'sosyal', ids: ['23501', '23502'] } });
  const status: SmmOrderStatus | null | undefined = orders.data?.smmOrders?.[0]?.status;

  const [addOrder] = useSmmAddOrderMutation();
  void addOrder({
    variables: { provider: 'sosyal', input: { service: '1', link: 'https://x', quantity: 100 } },
  });
  // suspends instead of returning `loading`: data is there once it renders
  const suspended = useMatchIdStatusSuspenseQuery({ variables: { matchId: 'ABC123' } });
  const active: boolean | undefined = suspended.data?.matchIdStatus?.active;
  return [first, status, active];
}

export function WrongUses() {
  // @ts-expect-error -- the suspense hook needs the query's variables too
  useMatchIdStatusSuspenseQuery();

  // @ts-expect-error -- SmmOrders needs its variables
  useSmmOrdersQuery();

  // @ts-expect-error -- SmmOrders needs `ids` too
  useSmmOrdersQuery({ variables: { provider: 'sosyal' } });

  // @ts-expect-error -- `ids` is a list of IDs, not a boolean
  useSmmOrdersQuery({ variables: { provider: 'sosyal', ids: true } });

  // @ts-expect-error -- no such variable in SmmServices
  useSmmServicesQuery({ variables: { provider: 'sosyal', category: 'x' } });

  const orders = useSmmOrdersQuery({ variables: { provider: 'sosyal', ids: ['1'] } });
  // @ts-expect-error -- SmmOrders does not select `link`
  void orders.data?.smmOrders?.[0]?.link;

  // @ts-expect-error -- an order of the list may be null (unknown id): it must be checked first
  void orders.data?.smmOrders?.[0].id;

  // @ts-expect-error -- a root field that reaches an upstream is null when that upstream fails
  void orders.data?.smmOrders.length;

  // @ts-expect-error -- `status` is an enum of the schema, not any string
  const status: SmmOrderStatus = 'DONE';

  const [addOrder] = useSmmAddOrderMutation();
  // @ts-expect-error -- quantity is an Int
  void addOrder({ variables: { provider: 'sosyal', input: { service: '1', quantity: '100' } } });
  // @ts-expect-error -- `input.service` is required
  void addOrder({ variables: { provider: 'sosyal', input: { link: 'https://x' } } });
  void addOrder({ variables: { provider: 'p', input: { service: '1' } } }).then((r) => {
    // @ts-expect-error -- the payload has `userErrors`, not `errors`
    return r.data?.smmAddOrder?.errors;
  });

  const [createOrder] = useCreateOrderMutation();
  // @ts-expect-error -- districts are AdDistrict values, not free text
  void createOrder({ variables: { input: { title: 'x', districts: ['台北信義市府'] } } });

  const check = useMatchIdStatusQuery({ variables: { matchId: 'PAID_001' } });
  // @ts-expect-error -- MatchIdState has no ACTIVE (it is PAID_ACTIVE or TRIAL_ACTIVE)
  void (check.data?.matchIdStatus?.state === 'ACTIVE');

  const viewer = useLikenamaViewerQuery({ context: { headers: { 'x-likenama-token': 't' } } });
  // @ts-expect-error -- credits are numbers
  const credit: string | undefined = viewer.data?.likenamaViewer?.coinCredit;

  return [status, credit];
}
