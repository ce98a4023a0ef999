import type { SolmateEmulator } from '../../emulators/solmate/index.ts';
import type { Stack } from '../../stack/index.ts';
import { solmatePart } from '../../stack/parts/solmate.ts';
import { useStack, type StackHandle } from '../helpers/use-stack.ts';

export interface SolmateStack {
  readonly stack: Stack;
  readonly emu: SolmateEmulator;
  /** a generated client document through the gateway */
  query: StackHandle['query'];
  /** GraphQL written inline through the gateway */
  q: StackHandle['send'];
}

/** A gateway with only the Solmate subgraph and its emulator, for the enclosing describe block. */
export function useSolmateStack(env: NodeJS.ProcessEnv = {}): SolmateStack {
  const s = useStack([solmatePart], { env });
  return {
    get stack() {
      return s.stack;
    },
    get emu() {
      return s.stack.emulators.solmate as SolmateEmulator;
    },
    query: s.query,
    q: s.send,
  };
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
