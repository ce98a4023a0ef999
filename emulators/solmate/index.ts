import { Emulator } from '../shared/emulator.ts';
import {
  actionOf,
  SolmateBackend,
  type SolmateAccount,
  type SolmateBackendOptions,
  type StoredOrder,
} from './api.ts';

export {
  SolmateBackend,
  SOLMATE_DISTRICTS,
  type Dialect,
  type OrderState,
  type SolmateAccount,
  type StoredOrder,
} from './api.ts';

/** The seed's own demo account (`curl -u 'api@solmate.cc:Ilovesolmate'`), and a second tenant. */
export const DEMO_ACCOUNT: SolmateAccount = { user: 'api@solmate.cc', password: 'Ilovesolmate' };
export const DEMO_AGENCY_ACCOUNT: SolmateAccount = {
  user: 'agency@solmate.cc',
  password: 'Agency-demo-2025',
};

const order = (o: Omit<StoredOrder, 'owner' | 'materialUrl' | 'clickUrl'> & Partial<StoredOrder>) => ({
  owner: DEMO_ACCOUNT.user,
  materialUrl: 'https://cdn.solmate.cc/uploads/ad/display_file/886/4e144283de.mp4',
  clickUrl: 'https://cdn.solmate.cc/uploads/ad/trigger_file/886/cc68227be5.jpg',
  ...o,
});

/** Orders of the demo account, one in each status. The first is the seed's own example. */
export const DEMO_ORDERS: Array<Omit<StoredOrder, 'approveAt'>> = [
  order({
    id: '102341285566',
    title: '淘米-賽爾號星戰再起',
    network: 'VIESHOW',
    model: 'CPM',
    totalBudget: '20000',
    dailyBudget: '2000',
    displayTime: 30,
    gender: '',
    districts: ['台北信義市府', '台北士林天母'],
    state: 'running',
  }),
  order({
    id: '102341285567',
    title: '午間咖啡買一送一',
    network: 'COFFEE_RESTAURANT',
    model: 'CPV',
    totalBudget: '5000.50',
    dailyBudget: '500.25',
    displayTime: 15,
    gender: 'FEMALE',
    districts: ['台中市區', '台南市區', '高雄市區'],
    state: 'limit by budget',
  }),
  order({
    id: '102341285568',
    title: '沙龍秋季護髮',
    network: 'SALON',
    model: 'CPM',
    totalBudget: '8000',
    dailyBudget: '800',
    displayTime: 30,
    gender: 'MALE',
    districts: [],
    state: 'stop',
  }),
  order({
    id: '102341285569',
    title: '週年慶預告',
    network: 'VIESHOW',
    model: 'CPM',
    totalBudget: '12000',
    dailyBudget: '1200',
    displayTime: 20,
    gender: '',
    districts: ['其他'],
    state: 'waiting',
  }),
  order({
    id: '102341285570',
    title: '素材時間錯誤',
    network: 'SALON',
    model: 'CPV',
    totalBudget: '3000',
    dailyBudget: '300',
    displayTime: 30,
    gender: '',
    districts: [],
    state: 'error',
    statusMessage: 'time error',
  }),
  order({
    id: '102341285571',
    title: '新品審核中',
    network: 'COFFEE_RESTAURANT',
    model: 'CPM',
    totalBudget: '10000',
    dailyBudget: '1000',
    displayTime: 30,
    gender: '',
    districts: ['新竹市區'],
    state: 'pending',
  }),
];

export interface SolmateEmulatorOptions extends Partial<SolmateBackendOptions> {
  latencyMs?: number;
}

/**
 * Solmate's v2 order API on loopback: the seed's four calls plus the later revision's two
 * reads, Basic auth, the seed's validation messages and status rules, either dialect
 * (`emulator.solmate.dialect`), and the shared switchable faults.
 */
export function createSolmateEmulator(opts: SolmateEmulatorOptions = {}) {
  const backend = new SolmateBackend({
    accounts: opts.accounts ?? [DEMO_ACCOUNT, DEMO_AGENCY_ACCOUNT],
    dialect: opts.dialect ?? (process.env.SOLMATE_EMULATOR_DIALECT === 'later' ? 'later' : 'seed'),
    reviewMs: opts.reviewMs,
    seedOrders: opts.seedOrders ?? DEMO_ORDERS,
    firstOrderId: opts.firstOrderId,
  });
  const emulator = new Emulator(
    {
      name: 'solmate',
      latencyMs: opts.latencyMs,
      actionOf,
      rateLimitBody: { status: 'failed', message: 'Too Many Requests' },
      wrongShapeBody: { result: ['unexpected'] },
    },
    (req) => backend.handle(req),
    () => backend.reset(),
  );
  return Object.assign(emulator, { solmate: backend });
}
export type SolmateEmulator = ReturnType<typeof createSolmateEmulator>;

/** What the subgraph needs to talk to an emulator listening at `url`. */
export const demoSolmateEnv = (url: string): Record<string, string> => ({
  SOLMATE_URL: `${url}/v2`,
  SOLMATE_USER: DEMO_ACCOUNT.user,
  SOLMATE_PASSWORD: DEMO_ACCOUNT.password,
});
