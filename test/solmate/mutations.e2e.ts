import { beforeEach, describe, expect, it } from 'vitest';
import { SOLMATE_DISTRICTS } from '../../emulators/solmate/index.ts';
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';
import { codes, gql } from '../helpers/stack.ts';
import { CREATE, SEED, UPDATE, useSolmateStack, validCreate, validUpdate } from './helpers.ts';

const s = useSolmateStack();
beforeEach(() => {
  s.emu.reset();
  s.emu.solmate.reviewMs = 60_000;
});

interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}
type Payload = { order: Record<string, unknown> | null; userErrors: UserError[] };

const create = (input: Record<string, unknown>) => s.q<{ createOrder: Payload }>(CREATE, { input });
const update = (id: string, input: Record<string, unknown>) =>
  s.q<{ updateOrder: Payload }>(UPDATE, { id, input });
const STATUS_CHANGE = (name: 'pauseOrder' | 'resumeOrder') => /* GraphQL */ `
  mutation($id: ID!) { ${name}(id: $id) { order { id status statusText } userErrors { field message code } } }
`;
const pause = (id: string) => s.q<{ pauseOrder: Payload }>(STATUS_CHANGE('pauseOrder'), { id });
const resume = (id: string) => s.q<{ resumeOrder: Payload }>(STATUS_CHANGE('resumeOrder'), { id });
const DELETE = /* GraphQL */ `
  mutation ($id: ID!) {
    deleteOrder(id: $id) {
      deletedId
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const del = (id: string) =>
  s.q<{ deleteOrder: { deletedId: string | null; userErrors: UserError[] } }>(DELETE, { id });
const statusOf = async (id: string) =>
  (await s.q<{ order: { status: string } | null }>(`{ order(id: "${id}") { status } }`)).data!.order?.status;

describe('createOrder', () => {
  it('posts the seed body once and returns the new order, read back when asked', async () => {
    const r = await create(
      validCreate({
        displayTime: 15,
        gender: 'MALE',
        districts: ['TAIPEI_XINYI_CITY_HALL', 'TAIPEI_SHILIN_TIANMU'],
      }),
    );
    expect(r.errors).toBeUndefined();
    const { order, userErrors } = r.data!.createOrder;
    expect(userErrors).toEqual([]);
    expect(order).toMatchObject({
      id: '102341285600',
      title: '淘米-賽爾號星戰再起',
      network: 'VIESHOW',
      model: 'CPM',
      totalBudget: '20000',
      dailyBudget: '2000',
      displayTime: 15,
      gender: 'MALE',
      districts: ['TAIPEI_XINYI_CITY_HALL', 'TAIPEI_SHILIN_TIANMU'],
      status: 'PENDING',
      statusText: 'pending',
    });
    const [post] = s.emu.calls('createOrder');
    expect(s.emu.calls('createOrder')).toHaveLength(1);
    expect(post!.method).toBe('POST');
    expect(post!.path).toBe('/v2/orders');
    expect(post!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(post!.body).toEqual({
      title: '淘米-賽爾號星戰再起',
      network: 'VIESHOW',
      model: 'CPM',
      total_budget: '20000',
      daily_budget: '2000',
      material_url: 'https://cdn.solmate.cc/uploads/ad/display_file/886/4e144283de.mp4',
      click_url: 'https://cdn.solmate.cc/uploads/ad/trigger_file/886/cc68227be5.jpg',
      display_time: '15',
      gender: 'MALE',
      districts: ['台北信義市府', '台北士林天母'],
    });
  });

  it('sends no limit for gender and districts left out, and keeps decimal budgets exact', async () => {
    const r = await create(validCreate({ totalBudget: '1234567.89', dailyBudget: '0.01' }));
    expect(r.data!.createOrder.order).toMatchObject({
      gender: null,
      genderText: '',
      districts: [],
      displayTime: 30,
      totalBudget: '1234567.89',
      dailyBudget: '0.01',
    });
    expect(s.emu.calls('createOrder')[0]!.body).toMatchObject({ gender: '', districts: [] });
    expect(s.emu.calls('createOrder')[0]!.body).not.toHaveProperty('display_time');
  });

  it('reads nothing back when only the id is selected', async () => {
    const r = await s.q(
      `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } } }`,
      {
        input: validCreate(),
      },
    );
    expect(r.data).toEqual({ createOrder: { order: { id: '102341285600' } } });
    expect(s.emu.calls().map((c) => c.action)).toEqual(['createOrder']);
  });

  it('round-trips all 32 districts through create, read and update', async () => {
    const all = await s.q<{ adDistricts: Array<{ value: string; name: string }> }>(
      '{ adDistricts { value name } }',
    );
    const values = all.data!.adDistricts.map((d) => d.value);
    expect(values).toHaveLength(32);
    const r = await create(validCreate({ districts: values }));
    expect(r.data!.createOrder.userErrors).toEqual([]);
    expect(s.emu.calls('createOrder')[0]!.body).toMatchObject({ districts: [...SOLMATE_DISTRICTS] });
    const id = r.data!.createOrder.order!.id as string;
    expect(s.emu.solmate.orders.get(id)!.districts).toEqual([...SOLMATE_DISTRICTS]);
    expect(r.data!.createOrder.order).toMatchObject({
      districts: values,
      districtNames: [...SOLMATE_DISTRICTS],
    });

    const reversed = [...values].reverse();
    const u = await update(id, validUpdate({ districts: reversed }));
    expect(u.data!.updateOrder.order).toMatchObject({ districts: reversed });
    expect(s.emu.calls('updateOrder')[0]!.body).toMatchObject({
      districts: [...SOLMATE_DISTRICTS].reverse(),
    });

    // each one alone maps to its own name
    for (const { value, name } of all.data!.adDistricts) {
      s.emu.clearRequests();
      const one = await create(validCreate({ districts: [value] }));
      expect(one.data!.createOrder.order!.districts).toEqual([value]);
      expect((s.emu.calls('createOrder')[0]!.body as { districts: string[] }).districts).toEqual([name]);
    }
  });

  it('passes an upstream validation refusal on as a userError in upstream words', async () => {
    s.emu.solmate.refuseNext('createOrder', 'title should not contain emoji');
    const r = await create(validCreate());
    expect(r.data!.createOrder).toEqual({
      order: null,
      userErrors: [
        { field: ['input', 'title'], message: 'title should not contain emoji', code: 'REJECTED' },
      ],
    });
    s.emu.solmate.refuseNext('createOrder', '素材審核未通過');
    const r2 = await create(validCreate());
    expect(r2.data!.createOrder.userErrors).toEqual([
      { field: null, message: '素材審核未通過', code: 'REJECTED' },
    ]);
    expect(s.emu.calls('createOrder')).toHaveLength(2);
  });
});

describe('validation before any call', () => {
  const noCalls = () => expect(s.emu.requests).toHaveLength(0);

  it('names every missing required field of a new order at its path', async () => {
    const r = await create({});
    expect(r.data!.createOrder.order).toBeNull();
    expect(r.data!.createOrder.userErrors).toEqual(
      ['title', 'network', 'model', 'totalBudget', 'dailyBudget', 'materialUrl', 'clickUrl'].map((f) => ({
        field: ['input', f],
        message: `${f} is required`,
        code: 'REQUIRED',
      })),
    );
    noCalls();
  });

  it.each([
    ['a blank title', { title: '   ' }, 'title', 'REQUIRED'],
    ['a title too long', { title: 'x'.repeat(501) }, 'title', 'INVALID'],
    ['an UNKNOWN network', { network: 'UNKNOWN' }, 'network', 'INVALID'],
    ['an UNKNOWN model', { model: 'UNKNOWN' }, 'model', 'INVALID'],
    ['an UNKNOWN gender', { gender: 'UNKNOWN' }, 'gender', 'INVALID'],
    ['a zero total budget', { totalBudget: '0', dailyBudget: '0.5' }, 'totalBudget', 'INVALID'],
    ['a negative daily budget', { dailyBudget: '-1' }, 'dailyBudget', 'INVALID'],
    ['a zero daily budget', { dailyBudget: '0.000' }, 'dailyBudget', 'INVALID'],
    [
      'a daily budget above the total',
      { totalBudget: '100', dailyBudget: '100.01' },
      'dailyBudget',
      'INVALID',
    ],
    ['an ftp material URL', { materialUrl: 'ftp://cdn.solmate.cc/a.mp4' }, 'materialUrl', 'INVALID'],
    ['a javascript click URL', { clickUrl: 'javascript:alert(1)' }, 'clickUrl', 'INVALID'],
    ['a click URL that is not a URL', { clickUrl: 'cc68227be5.jpg' }, 'clickUrl', 'INVALID'],
    ['a URL with spaces', { materialUrl: 'https://cdn.solmate.cc/a b.mp4' }, 'materialUrl', 'INVALID'],
    ['a blank material URL', { materialUrl: '' }, 'materialUrl', 'REQUIRED'],
    ['a zero display time', { displayTime: 0 }, 'displayTime', 'INVALID'],
    ['a negative display time', { displayTime: -30 }, 'displayTime', 'INVALID'],
  ])('refuses %s', async (_what, extra, field, code) => {
    const r = await create(validCreate(extra));
    expect(r.data!.createOrder.order).toBeNull();
    expect(r.data!.createOrder.userErrors).toEqual([
      expect.objectContaining({ field: ['input', field], code }),
    ]);
    noCalls();
  });

  it('accepts a daily budget equal to the total', async () => {
    const r = await create(validCreate({ totalBudget: '100', dailyBudget: '100.00' }));
    expect(r.data!.createOrder.userErrors).toEqual([]);
  });

  it('refuses a budget that is not an exact decimal string, or a fractional display time, as input errors', async () => {
    for (const input of [
      validCreate({ totalBudget: 100.5 }),
      validCreate({ totalBudget: '1e5' }),
      validCreate({ displayTime: 1.5 }),
    ]) {
      const r = await create(input);
      expect(r.data?.createOrder ?? null).toBeNull();
      // the gateway passes custom scalars through: the subgraph's 400 must reach the caller
      // with its own code, not as a generic "400: Bad Request"
      expect(codes(r).map((c) => c.code)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.message).not.toMatch(/^400/);
      const direct = await gql(
        s.stack.subgraphs.solmate!.url,
        CREATE,
        { input },
        { [GATEWAY_SECRET_HEADER]: s.stack.secret },
      );
      expect(codes(direct).map((c) => c.code)).toEqual(['BAD_USER_INPUT']);
    }
    noCalls();
  });

  it('sends budgets in their canonical form, however the caller spelled them', async () => {
    const r = await create(validCreate({ totalBudget: '+0020000.50', dailyBudget: '2000.' }));
    expect(r.data!.createOrder.userErrors).toEqual([]);
    expect(s.emu.calls('createOrder')[0]!.body).toMatchObject({
      total_budget: '20000.5',
      daily_budget: '2000',
    });
    const literal = await s.q<{ createOrder: Payload }>(
      `mutation { createOrder(input: { title: "t", network: VIESHOW, model: CPM, totalBudget: "05.50",
        dailyBudget: 1.0, materialUrl: "https://a.example/m.mp4", clickUrl: "https://a.example/c.jpg" })
        { userErrors { code } } }`,
    );
    expect(literal.data!.createOrder.userErrors).toEqual([]);
    expect(s.emu.calls('createOrder')[1]!.body).toMatchObject({ total_budget: '5.5', daily_budget: '1' });
  });

  it('refuses a 400-digit budget before any call, echoing only a short prefix', async () => {
    const huge = '9'.repeat(400);
    for (const r of [
      await create(validCreate({ totalBudget: huge })),
      await s.q(
        `mutation { createOrder(input: { title: "t", network: VIESHOW, model: CPM, totalBudget: "${huge}",
          dailyBudget: "1", materialUrl: "https://a.example/m.mp4", clickUrl: "https://a.example/c.jpg" })
          { userErrors { code } } }`,
      ),
    ]) {
      expect(codes(r).map((c) => c.code)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.message).toMatch(/at most 64 characters/);
      expect(r.errors![0]!.message).not.toContain('9'.repeat(65));
    }
    noCalls();
  });

  it('names every missing required field of an update, and a bad id, together', async () => {
    const r = await update('../x', {});
    expect(r.data!.updateOrder.userErrors).toEqual([
      { field: ['id'], message: 'id must be digits only, got "../x"', code: 'INVALID_ID' },
      ...['totalBudget', 'dailyBudget', 'materialUrl', 'clickUrl'].map((f) => ({
        field: ['input', f],
        message: `${f} is required`,
        code: 'REQUIRED',
      })),
    ]);
    noCalls();
  });

  it.each([
    ['budgets', { totalBudget: '10', dailyBudget: '20' }, 'dailyBudget'],
    ['urls', { clickUrl: 'mailto:a@b.c' }, 'clickUrl'],
    ['display time', { displayTime: 0 }, 'displayTime'],
    ['a cleared model', { model: null }, 'model'],
    ['cleared districts', { districts: null }, 'districts'],
  ])('checks %s of an update', async (_what, extra, field) => {
    const r = await update(SEED.running, validUpdate(extra));
    expect(r.data!.updateOrder.userErrors).toEqual([
      expect.objectContaining({ field: ['input', field], code: 'INVALID' }),
    ]);
    noCalls();
  });

  it.each([['../x'], ['1/status'], ['102341285566/status'], ['1 '], ['abc']])(
    'refuses id %j for pause, resume, delete and update without a call',
    async (bad) => {
      const expected = [
        { field: ['id'], message: `id must be digits only, got ${JSON.stringify(bad)}`, code: 'INVALID_ID' },
      ];
      expect((await pause(bad)).data!.pauseOrder).toEqual({ order: null, userErrors: expected });
      expect((await resume(bad)).data!.resumeOrder).toEqual({ order: null, userErrors: expected });
      expect((await del(bad)).data!.deleteOrder).toEqual({ deletedId: null, userErrors: expected });
      expect((await update(bad, validUpdate())).data!.updateOrder.userErrors).toEqual(expected);
      noCalls();
    },
  );
});

describe('updateOrder', () => {
  it('puts the change set once, sending only the fields given, under `districts`', async () => {
    const r = await update(SEED.running, validUpdate());
    expect(r.data!.updateOrder.userErrors).toEqual([]);
    expect(r.data!.updateOrder.order).toMatchObject({
      id: SEED.running,
      totalBudget: '30000',
      dailyBudget: '3000',
      materialUrl: 'https://cdn.solmate.cc/uploads/ad/display_file/887/new.mp4',
      // left out, so unchanged
      districts: ['TAIPEI_XINYI_CITY_HALL', 'TAIPEI_SHILIN_TIANMU'],
      displayTime: 30,
    });
    const calls = s.emu.calls('updateOrder');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('PUT');
    expect(calls[0]!.path).toBe(`/v2/orders/${SEED.running}`);
    expect(calls[0]!.body).toEqual({
      total_budget: '30000',
      daily_budget: '3000',
      material_url: 'https://cdn.solmate.cc/uploads/ad/display_file/887/new.mp4',
      click_url: 'https://cdn.solmate.cc/uploads/ad/trigger_file/887/new.jpg',
    });
  });

  it('clears gender with an explicit null and districts with []', async () => {
    const r = await update(
      SEED.limited,
      validUpdate({ gender: null, districts: [], displayTime: 45, model: 'CPM' }),
    );
    expect(r.data!.updateOrder.order).toMatchObject({
      gender: null,
      districts: [],
      displayTime: 45,
      model: 'CPM',
    });
    expect(s.emu.calls('updateOrder')[0]!.body).toMatchObject({
      gender: '',
      districts: [],
      display_time: '45',
      model: 'CPM',
    });
  });

  it('reads the order fresh after changing it in the same request', async () => {
    const r = await s.q<{ before: { totalBudget: string }; u: Payload }>(
      `mutation($id: ID!, $input: UpdateOrderInput!) {
        u: updateOrder(id: $id, input: $input) { order { totalBudget } }
        p: pauseOrder(id: $id) { order { status } }
      }`,
      { id: SEED.running, input: validUpdate({ totalBudget: '7770' }) },
    );
    expect(r.data).toEqual({ u: { order: { totalBudget: '7770' } }, p: { order: { status: 'STOPPED' } } });
  });

  it('answers NOT_FOUND in upstream words for an unknown id', async () => {
    const r = await update('404', validUpdate());
    expect(r.data!.updateOrder).toEqual({
      order: null,
      userErrors: [{ field: ['id'], message: 'ID is not found', code: 'NOT_FOUND' }],
    });
  });
});

describe('pause, resume and delete', () => {
  it('pauses a running order and resumes it', async () => {
    const p = await pause(SEED.running);
    expect(p.data!.pauseOrder).toEqual({
      order: { id: SEED.running, status: 'STOPPED', statusText: 'stop' },
      userErrors: [],
    });
    const [call] = s.emu.calls('pauseOrder');
    expect(call!.method).toBe('PUT');
    expect(call!.path).toBe(`/v2/orders/${SEED.running}/status`);
    expect(call!.body).toEqual({ action: 'pause' });
    const r = await resume(SEED.running);
    expect(r.data!.resumeOrder).toEqual({
      order: { id: SEED.running, status: 'RUNNING', statusText: 'running' },
      userErrors: [],
    });
    expect(s.emu.calls('resumeOrder')[0]!.body).toEqual({ action: 'resume' });
  });

  it("refuses to pause a stopped order in Solmate's words", async () => {
    const r = await pause(SEED.stopped);
    expect(r.data!.pauseOrder).toEqual({
      order: null,
      userErrors: [{ field: ['id'], message: "status can't be changed", code: 'STATUS_CANNOT_CHANGE' }],
    });
    expect(s.emu.calls('pauseOrder')).toHaveLength(1);
    const r2 = await resume(SEED.running);
    expect(r2.data!.resumeOrder.userErrors).toEqual([
      { field: ['id'], message: "status can't be changed", code: 'STATUS_CANNOT_CHANGE' },
    ]);
  });

  it('moves a new order from PENDING to RUNNING once reviewed', async () => {
    s.emu.solmate.reviewMs = 150;
    // Solmate's clock, moved past the review instead of waiting for it
    let now = Date.now();
    s.emu.solmate.now = () => now;
    const r = await create(validCreate());
    const id = r.data!.createOrder.order!.id as string;
    expect(r.data!.createOrder.order!.status).toBe('PENDING');
    now += 149;
    expect(await statusOf(id)).toBe('PENDING');
    now += 1;
    expect(await statusOf(id)).toBe('RUNNING');
  });

  it('deletes an order: it is gone for reads, pauses and a second delete', async () => {
    const d = await del(SEED.waiting);
    expect(d.data!.deleteOrder).toEqual({ deletedId: SEED.waiting, userErrors: [] });
    const [call] = s.emu.calls('deleteOrder');
    expect(call!.method).toBe('DELETE');
    expect(call!.path).toBe(`/v2/orders/${SEED.waiting}`);
    expect(call!.body).toEqual({});

    const read = await s.q(`{ order(id: "${SEED.waiting}") { id } }`);
    expect(read.data).toEqual({ order: null });
    expect(codes(read)).toEqual([{ path: 'order', code: 'NOT_FOUND' }]);
    expect((await pause(SEED.waiting)).data!.pauseOrder.userErrors).toEqual([
      { field: ['id'], message: 'ID is not found', code: 'NOT_FOUND' },
    ]);
    expect((await del(SEED.waiting)).data!.deleteOrder).toEqual({
      deletedId: null,
      userErrors: [{ field: ['id'], message: 'ID is not found', code: 'NOT_FOUND' }],
    });
    expect(s.emu.calls('deleteOrder')).toHaveLength(2);
  });
});

describe('the later dialect', () => {
  beforeEach(() => {
    s.emu.solmate.dialect = 'later';
  });

  it('reads {"id"} from create and update, and bare success bodies from pause, resume and delete', async () => {
    const c = await create(validCreate({ gender: 'FEMALE', districts: ['OTHER'] }));
    expect(c.errors).toBeUndefined();
    const id = c.data!.createOrder.order!.id as string;
    expect(c.data!.createOrder.order).toMatchObject({
      id: '102341285600',
      gender: 'FEMALE',
      genderText: 'female',
    });
    const u = await update(id, validUpdate());
    expect(u.data!.updateOrder).toMatchObject({ order: { id, totalBudget: '30000' }, userErrors: [] });
    s.emu.solmate.setState(id, 'running');
    expect((await pause(id)).data!.pauseOrder).toMatchObject({
      order: { status: 'STOPPED' },
      userErrors: [],
    });
    expect((await resume(id)).data!.resumeOrder).toMatchObject({
      order: { status: 'RUNNING' },
      userErrors: [],
    });
    expect((await del(id)).data!.deleteOrder).toEqual({ deletedId: id, userErrors: [] });
  });

  it('reads {"message"} refusals sent with HTTP 400 and 404 as userErrors', async () => {
    const p = await pause(SEED.stopped);
    expect(p.data!.pauseOrder.userErrors).toEqual([
      { field: ['id'], message: "status can't be changed", code: 'STATUS_CANNOT_CHANGE' },
    ]);
    expect((await del('404')).data!.deleteOrder.userErrors).toEqual([
      { field: ['id'], message: 'ID is not found', code: 'NOT_FOUND' },
    ]);
    s.emu.solmate.refuseNext('updateOrder', 'daily_budget is over the account limit');
    expect((await update(SEED.running, validUpdate())).data!.updateOrder.userErrors).toEqual([
      {
        field: ['input', 'dailyBudget'],
        message: 'daily_budget is over the account limit',
        code: 'REJECTED',
      },
    ]);
  });
});

describe('SOLMATE_UPDATE_DISTRICTS_KEY=district', () => {
  const other = useSolmateStack({ SOLMATE_UPDATE_DISTRICTS_KEY: 'district' });

  it("sends the districts of an update under the seed example's key", async () => {
    const r = await other.q<{ updateOrder: Payload }>(UPDATE, {
      id: SEED.running,
      input: validUpdate({ districts: ['TAIPEI_SHILIN_TIANMU', 'TAIPEI_XINYI_CITY_HALL'] }),
    });
    expect(r.data!.updateOrder.order).toMatchObject({
      districts: ['TAIPEI_SHILIN_TIANMU', 'TAIPEI_XINYI_CITY_HALL'],
    });
    const body = other.emu.calls('updateOrder')[0]!.body as Record<string, unknown>;
    expect(body.district).toEqual(['台北士林天母', '台北信義市府']);
    expect(body).not.toHaveProperty('districts');
  });
});
