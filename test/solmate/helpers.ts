import type { SolmateEmulator } from '../../emulators/solmate/index.ts';
import type { Stack } from '../../stack/index.ts';
import { solmatePart } from '../../stack/parts/solmate.ts';
import { gql, startTestStack, type GqlResult } from '../helpers/stack.ts';

export interface SolmateStack {
  stack: Stack;
  emu: SolmateEmulator;
  /** GraphQL through the gateway */
  q<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GqlResult<T>>;
}

export async function startSolmateStack(env: NodeJS.ProcessEnv = {}): Promise<SolmateStack> {
  const stack = await startTestStack({ parts: [solmatePart], env });
  const emu = stack.emulators.solmate as SolmateEmulator;
  return { stack, emu, q: (query, variables, headers) => gql(stack.gatewayUrl, query, variables, headers) };
}

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export const ORDER_FIELDS = /* GraphQL */ `
  id
  title
  network
  networkText
  model
  modelText
  totalBudget
  dailyBudget
  materialUrl
  clickUrl
  displayTime
  gender
  genderText
  districts
  districtNames
`;

export const CREATE = /* GraphQL */ `
  mutation Create($input: CreateOrderInput!) {
    createOrder(input: $input) {
      order { ${ORDER_FIELDS} status statusText }
      userErrors { field message code }
    }
  }
`;

export const UPDATE = /* GraphQL */ `
  mutation Update($id: ID!, $input: UpdateOrderInput!) {
    updateOrder(id: $id, input: $input) {
      order { ${ORDER_FIELDS} }
      userErrors { field message code }
    }
  }
`;

export const validCreate = (extra: Record<string, unknown> = {}) => ({
  title: '淘米-賽爾號星戰再起',
  network: 'VIESHOW',
  model: 'CPM',
  totalBudget: '20000',
  dailyBudget: '2000',
  materialUrl: 'https://cdn.solmate.cc/uploads/ad/display_file/886/4e144283de.mp4',
  clickUrl: 'https://cdn.solmate.cc/uploads/ad/trigger_file/886/cc68227be5.jpg',
  ...extra,
});

export const validUpdate = (extra: Record<string, unknown> = {}) => ({
  totalBudget: '30000',
  dailyBudget: '3000',
  materialUrl: 'https://cdn.solmate.cc/uploads/ad/display_file/887/new.mp4',
  clickUrl: 'https://cdn.solmate.cc/uploads/ad/trigger_file/887/new.jpg',
  ...extra,
});

/** The demo orders of the emulator, one per status. */
export const SEED = {
  running: '102341285566',
  limited: '102341285567',
  stopped: '102341285568',
  waiting: '102341285569',
  error: '102341285570',
  pending: '102341285571',
} as const;
