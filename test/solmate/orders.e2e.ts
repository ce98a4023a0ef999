import { request } from 'undici';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../emulators/solmate/index.ts';
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';
import { codes, gql } from '../helpers/stack.ts';
import { basic, ORDER_FIELDS, SEED, useSolmateStack } from './helpers.ts';
import { AdDistrictsDocument } from '../../client/__generated__/graphql.ts';
import { maskAuthorization } from '../../emulators/shared/emulator.ts';

// A low bound makes the concurrency limit observable with a handful of ids.
const s = useSolmateStack({ SOLMATE_CONCURRENCY: '4', SOLMATE_MAX_IDS: '50' });
beforeEach(() => s.emu.reset());

const ORDER = /* GraphQL */ `
  query Order($id: ID!) {
    order(id: $id) { ${ORDER_FIELDS} status statusText statusDetail }
  }
`;
const ORDERS = /* GraphQL */ `
  query Orders($ids: [ID!]!) {
    orders(ids: $ids) {
      id
      title
      status
    }
  }
`;

type Order = Record<string, unknown>;
const ids = (rs: Array<{ path: string }>) => rs.map((r) => r.path.split('/')[3]);

describe('order (seed dialect)', () => {
  it('reads every field of an order and its status', async () => {
    const r = await s.q<{ order: Order }>(ORDER, { id: SEED.running });
    expect(r.errors).toBeUndefined();
    expect(r.data!.order).toEqual({
      id: SEED.running,
      title: '淘米-賽爾號星戰再起',
      network: 'VIESHOW',
      networkText: 'VIESHOW',
      model: 'CPM',
      modelText: 'CPM',
      totalBudget: '20000',
      dailyBudget: '2000',
      materialUrl: 'https://cdn.solmate.cc/uploads/ad/display_file/886/4e144283de.mp4',
      clickUrl: 'https://cdn.solmate.cc/uploads/ad/trigger_file/886/cc68227be5.jpg',
      displayTime: 30,
      gender: null,
      genderText: '',
      districts: ['TAIPEI_XINYI_CITY_HALL', 'TAIPEI_SHILIN_TIANMU'],
      districtNames: ['台北信義市府', '台北士林天母'],
      status: 'RUNNING',
      statusText: 'running',
      statusDetail: null,
    });
    expect(s.emu.calls().map((c) => `${c.action} ${c.path}`)).toEqual([
      `getOrder /v2/orders/${SEED.running}`,
      `getStatus /v2/orders/${SEED.running}/status`,
    ]);
    const auth = s.emu.calls('getOrder')[0]!.headers.authorization;
    expect(auth).toBe(maskAuthorization('Basic YXBpQHNvbG1hdGUuY2M6SWxvdmVzb2xtYXRl'));
  });

  it.each([
    [SEED.running, 'RUNNING', 'running', null],
    [SEED.limited, 'LIMITED_BY_BUDGET', 'limit by budget', null],
    [SEED.stopped, 'STOPPED', 'stop', null],
    [SEED.waiting, 'WAITING', 'waiting', null],
    [SEED.error, 'ERROR', 'error', 'time error'],
    [SEED.pending, 'PENDING', 'pending', null],
  ])('maps the status of %s to %s', async (id, status, statusText, statusDetail) => {
    const r = await s.q<{ order: Order }>(`{ order(id: "${id}") { status statusText statusDetail } }`);
    expect(r.data!.order).toEqual({ status, statusText, statusDetail });
  });

  it('keeps an unknown status as UNKNOWN with the raw text', async () => {
    s.emu.solmate.setState(SEED.running, 'archived' as never);
    const r = await s.q<{ order: Order }>(`{ order(id: "${SEED.running}") { status statusText } }`);
    expect(r.data!.order).toEqual({ status: 'UNKNOWN', statusText: 'archived' });
  });

  it('reads the status only when it is asked for', async () => {
    const r = await s.q(`{ order(id: "${SEED.limited}") { id title totalBudget dailyBudget gender } }`);
    expect(r.data).toEqual({
      order: {
        id: SEED.limited,
        title: '午間咖啡買一送一',
        totalBudget: '5000.50',
        dailyBudget: '500.25',
        gender: 'FEMALE',
      },
    });
    expect(s.emu.calls('getStatus')).toHaveLength(0);
    expect(s.emu.calls('getOrder')).toHaveLength(1);
  });

  it('answers null with NOT_FOUND and upstream words for an unknown id', async () => {
    const r = await s.q<{ order: Order | null }>(ORDER, { id: '999' });
    expect(r.data).toEqual({ order: null });
    expect(codes(r)).toEqual([{ path: 'order', code: 'NOT_FOUND' }]);
    expect(r.errors![0]!.extensions!.upstream).toMatchObject({ api: 'solmate', message: 'ID is not found' });
    expect(s.emu.calls('getStatus')).toHaveLength(0);
  });

  it.each([['../x'], ['1/status'], ['1?a=b'], [''], [' 1'], ['1e3'], ['%2e%2e'], ['123456789012345678901']])(
    'refuses id %j with BAD_USER_INPUT before any call',
    async (bad) => {
      const r = await s.q(ORDER, { id: bad });
      expect(codes(r)).toEqual([{ path: 'order', code: 'BAD_USER_INPUT' }]);
      const r2 = await s.q(ORDERS, { ids: [SEED.running, bad] });
      expect(codes(r2)).toEqual([{ path: 'orders', code: 'BAD_USER_INPUT' }]);
      expect(s.emu.requests).toHaveLength(0);
    },
  );
});

describe('orders(ids)', () => {
  it('keeps the order asked, null plus NOT_FOUND at the index of an unknown id', async () => {
    const r = await s.q<{ orders: Array<Order | null> }>(ORDERS, {
      ids: [SEED.stopped, '404', SEED.running, SEED.stopped],
    });
    expect(r.data!.orders).toEqual([
      { id: SEED.stopped, title: '沙龍秋季護髮', status: 'STOPPED' },
      null,
      { id: SEED.running, title: '淘米-賽爾號星戰再起', status: 'RUNNING' },
      { id: SEED.stopped, title: '沙龍秋季護髮', status: 'STOPPED' },
    ]);
    expect(codes(r)).toEqual([{ path: 'orders.1', code: 'NOT_FOUND' }]);
    // each distinct id is read once, and the status only for the ones that exist
    expect(ids(s.emu.calls('getOrder')).sort()).toEqual(['404', SEED.running, SEED.stopped].sort());
    expect(ids(s.emu.calls('getStatus')).sort()).toEqual([SEED.running, SEED.stopped].sort());
  });

  it('reads each distinct id once across aliases, order(id) and repeats', async () => {
    const r = await s.q(
      `query($ids: [ID!]!, $one: ID!) {
        a: orders(ids: $ids) { id status }
        b: orders(ids: $ids) { id title }
        c: order(id: $one) { id status }
      }`,
      { ids: [SEED.running, SEED.error, SEED.running], one: SEED.error },
    );
    expect(r.errors).toBeUndefined();
    expect(s.emu.calls('getOrder')).toHaveLength(2);
    expect(s.emu.calls('getStatus')).toHaveLength(2);
  });

  it('runs the per-id reads concurrently, never more than SOLMATE_CONCURRENCY at once', async () => {
    const many = Array.from({ length: 20 }, () => s.emu.solmate.seedOrder());
    s.emu.solmate.readHoldMs = 40;
    const r = await s.q<{ orders: Order[] }>(ORDERS, { ids: [...many, ...many.slice(0, 5)] });
    expect(r.errors).toBeUndefined();
    expect(r.data!.orders.map((o) => o.id)).toEqual([...many, ...many.slice(0, 5)]);
    expect(s.emu.calls('getOrder')).toHaveLength(20);
    expect(s.emu.calls('getStatus')).toHaveLength(20);
    expect(new Set(ids(s.emu.calls('getOrder')))).toEqual(new Set(many));
    // exactly four held reads at once: they overlapped, and never more than the limit (a bound on
    // the wall-clock time would measure the machine's load as much as the code)
    expect(s.emu.solmate.maxInFlight).toBe(4);
  });

  it('refuses more ids than SOLMATE_MAX_IDS before any call', async () => {
    const r = await s.q(ORDERS, { ids: Array.from({ length: 51 }, (_, i) => String(i + 1)) });
    expect(codes(r)).toEqual([{ path: 'orders', code: 'BAD_USER_INPUT' }]);
    expect(s.emu.requests).toHaveLength(0);
  });

  it('answers an empty list without calling Solmate', async () => {
    const r = await s.q(ORDERS, { ids: [] });
    expect(r.data).toEqual({ orders: [] });
    expect(s.emu.requests).toHaveLength(0);
  });
});

describe('the later dialect', () => {
  beforeEach(() => {
    s.emu.solmate.dialect = 'later';
  });

  it('reads lower-case values, JSON numbers and the bare status body', async () => {
    const r = await s.q<{ order: Order }>(ORDER, { id: SEED.limited });
    expect(r.errors).toBeUndefined();
    expect(r.data!.order).toMatchObject({
      id: SEED.limited,
      network: 'COFFEE_RESTAURANT',
      networkText: 'coffee_restaurant',
      model: 'CPV',
      modelText: 'cpv',
      totalBudget: '5000.50',
      dailyBudget: '500.25',
      displayTime: 15,
      gender: 'FEMALE',
      genderText: 'female',
      districts: ['TAICHUNG_DOWNTOWN', 'TAINAN_DOWNTOWN', 'KAOHSIUNG_DOWNTOWN'],
      status: 'LIMITED_BY_BUDGET',
    });
    // what the emulator sent: numbers, not strings, and no "status":"ok"
    const raw = await request(`${s.emu.url}/v2/orders/${SEED.limited}`, {
      headers: { authorization: basic(DEMO_ACCOUNT.user, DEMO_ACCOUNT.password) },
    }).then((res) => res.body.text());
    expect(raw).toContain('"total_budget":5000.50');
    expect(raw).toContain(`"id":${SEED.limited}`);
    expect(raw).not.toContain('"status"');
  });

  it('reads {"status":"error","message"} as ERROR with the detail', async () => {
    const r = await s.q(`{ order(id: "${SEED.error}") { status statusText statusDetail } }`);
    expect(r.data).toEqual({ order: { status: 'ERROR', statusText: 'error', statusDetail: 'time error' } });
  });

  it('reads the 404 {"message"} of an unknown id as NOT_FOUND', async () => {
    const r = await s.q<{ orders: unknown[] }>(ORDERS, { ids: ['404', SEED.running] });
    expect(r.data!.orders[0]).toBeNull();
    expect(codes(r)).toEqual([{ path: 'orders.0', code: 'NOT_FOUND' }]);
    expect(r.errors![0]!.extensions!.upstream).toMatchObject({ status: 404, message: 'AD ID is not found' });
  });
});

describe('AdOrder entities', () => {
  const ENTITIES = /* GraphQL */ `
    query ($r: [_Any!]!) {
      _entities(representations: $r) {
        ... on AdOrder {
          id
          title
          status
        }
      }
    }
  `;
  const entities = (reps: unknown[]) =>
    gql<{ _entities: Array<Order | null> }>(
      s.stack.subgraphs.solmate!.url,
      ENTITIES,
      { r: reps },
      { [GATEWAY_SECRET_HEADER]: s.stack.secret },
    );

  it('resolves references through the same de-duplicating loader', async () => {
    const reps = [SEED.running, SEED.stopped, SEED.running, '404'].map((id) => ({
      __typename: 'AdOrder',
      id,
    }));
    const r = await entities(reps);
    expect(r.data!._entities).toEqual([
      { id: SEED.running, title: '淘米-賽爾號星戰再起', status: 'RUNNING' },
      { id: SEED.stopped, title: '沙龍秋季護髮', status: 'STOPPED' },
      { id: SEED.running, title: '淘米-賽爾號星戰再起', status: 'RUNNING' },
      null,
    ]);
    expect(codes(r)).toEqual([{ path: '_entities.3', code: 'NOT_FOUND' }]);
    expect(s.emu.calls('getOrder')).toHaveLength(3);
    expect(s.emu.calls('getStatus')).toHaveLength(2);
  });

  it('refuses a reference whose id is not digits, without a call', async () => {
    const r = await entities([{ __typename: 'AdOrder', id: '../x' }]);
    expect(codes(r)).toEqual([{ path: '_entities.0', code: 'BAD_USER_INPUT' }]);
    expect(s.emu.requests).toHaveLength(0);
  });

  it('is refused without the gateway secret', async () => {
    const r = await gql(s.stack.subgraphs.solmate!.url, ENTITIES, {
      r: [{ __typename: 'AdOrder', id: '1' }],
    });
    expect(r.status).toBe(401);
    expect(s.emu.requests).toHaveLength(0);
  });
});

describe('adDistricts', () => {
  it('lists the 32 districts with their Chinese names, without calling Solmate', async () => {
    const r = await s.query(AdDistrictsDocument);
    expect(r.data!.adDistricts).toHaveLength(32);
    expect(r.data!.adDistricts[2]).toEqual({
      __typename: 'AdDistrictInfo',
      value: 'TAIPEI_XINYI_CITY_HALL',
      name: '台北信義市府',
    });
    expect(r.data!.adDistricts[31]).toEqual({ __typename: 'AdDistrictInfo', value: 'OTHER', name: '其他' });
    expect(s.emu.requests).toHaveLength(0);
  });
});
