// The emulators' record of requests (in-process and GET /__emulator/requests) ends up in test
// output, CI logs and bug reports: it keeps credentials masked (maskSecret's fingerprint), never
// in clear, while the emulated API itself still reads them as sent.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INSTAGRAM_TOKEN, DEMO_CAMPAIGNS, DEMO_TOKENS } from '../../emulators/likenama/index.ts';
import {
  maskAuthorization,
  maskRequest,
  maskSecret,
  type RecordedRequest,
} from '../../emulators/shared/emulator.ts';
import { createSmmEmulator, DEMO_PANELS, type SmmEmulator } from '../../emulators/smm/index.ts';
import { DEMO_ACCOUNT, DEMO_AGENCY_ACCOUNT } from '../../emulators/solmate/index.ts';
import { DEMO_CLUSTERS } from '../../emulators/solsub/index.ts';
import { parts } from '../../stack/parts/index.ts';
import { useStack } from '../helpers/use-stack.ts';
import { basic } from '../solmate/helpers.ts';

const recorded = async (emulatorUrl: string) => {
  const res = await request(`${emulatorUrl}/__emulator/requests`);
  return { text: await res.body.text() };
};

describe('maskRequest', () => {
  const base: RecordedRequest = {
    method: 'POST',
    path: '/x',
    query: {},
    headers: {},
    body: undefined,
    raw: '',
    action: 'x',
    at: 0,
  };

  it('masks Basic and Bearer credentials but keeps the scheme, and API-key headers whole', () => {
    const m = maskRequest({
      ...base,
      headers: {
        authorization: 'Basic dXNlcjpwYXNzd29yZA==',
        'api-key': 'the-api-key-1234',
        'content-type': 'application/json',
      },
    });
    expect(m.headers.authorization).toBe(`Basic ${maskSecret('dXNlcjpwYXNzd29yZA==')}`);
    expect(m.headers.authorization).toBe(maskAuthorization('Basic dXNlcjpwYXNzd29yZA=='));
    expect(m.headers['api-key']).toBe(maskSecret('the-api-key-1234'));
    expect(m.headers['content-type']).toBe('application/json');
    expect(
      maskRequest({ ...base, headers: { authorization: 'Bearer tok-5678' } }).headers.authorization,
    ).toBe(`Bearer ${maskSecret('tok-5678')}`);
  });

  it('masks the SMM key in form, JSON and query bodies, raw text included', () => {
    const key = 'k3y/with+odd&chars"';
    const form = new URLSearchParams({ key, action: 'balance' }).toString();
    const asForm = maskRequest({ ...base, body: { key, action: 'balance' }, raw: form });
    const asJson = maskRequest({
      ...base,
      body: { key, action: 'balance' },
      raw: JSON.stringify({ key, action: 'balance' }),
    });
    const asQuery = maskRequest({ ...base, method: 'GET', query: { key, action: 'balance' } });
    for (const m of [asForm, asJson, asQuery]) {
      expect(JSON.stringify(m)).not.toContain('k3y');
      expect(m.body ?? m.query).toEqual({ key: maskSecret(key), action: 'balance' });
    }
    expect(asForm.raw).toBe(`key=${maskSecret(key)}&action=balance`);
    expect(JSON.parse(asJson.raw)).toEqual({ key: maskSecret(key), action: 'balance' });
  });

  it('tells credentials apart without showing them, and leaves a missing one empty', () => {
    expect(maskSecret('demo-sosyal-key')).toMatch(/^\[masked:[0-9a-f]{12}\]$/);
    expect(maskSecret('demo-sosyal-key')).not.toBe(maskSecret('demo-baostar-key'));
    expect(maskRequest({ ...base, headers: { 'api-key': '' } }).headers['api-key']).toBe('');
  });
});

describe('an SMM emulator reached directly', () => {
  let emu: SmmEmulator;
  let url: string;
  const [sosyal, baostar] = DEMO_PANELS as [(typeof DEMO_PANELS)[0], (typeof DEMO_PANELS)[0]];
  beforeAll(async () => {
    emu = createSmmEmulator([
      { ...sosyal!, seedOrders: [] },
      { ...baostar!, seedOrders: [] },
    ]);
    url = await emu.listen();
  });
  afterAll(() => emu.close());

  it('answers with the key as sent and records it masked, for form, JSON and query encodings', async () => {
    const panel = (id: string) => `${url}/${id}/api/v2`;
    const form = await request(panel('sosyal'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: sosyal.key, action: 'balance' }).toString(),
    });
    const json = await request(panel('baostar'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: baostar.key, action: 'balance' }),
    });
    const query = await request(
      `${panel('sosyal')}?${new URLSearchParams({ key: sosyal.key, action: 'balance' })}`,
    );
    for (const r of [form, json, query]) {
      expect(r.statusCode).toBe(200);
      expect(await r.body.json()).toHaveProperty('balance');
    }
    const { text } = await recorded(url);
    expect(text).not.toContain(sosyal.key);
    expect(text).not.toContain(baostar.key);
    const [f, j, q] = emu.calls();
    expect(f!.body).toMatchObject({ key: maskSecret(sosyal.key) });
    expect(f!.raw).toBe(`key=${maskSecret(sosyal.key)}&action=balance`);
    expect(j!.body).toMatchObject({ key: maskSecret(baostar.key) });
    expect(q!.query).toMatchObject({ key: maskSecret(sosyal.key) });
  });
});

describe('every emulator of the stack, after calls with every kind of credential', () => {
  const h = useStack(parts);

  // what is configured (SOLMATE_*, SOLSUB_API_KEY, SMM_PROVIDERS) and what callers send
  const credentials = [
    DEMO_ACCOUNT.password,
    basic(DEMO_ACCOUNT.user, DEMO_ACCOUNT.password).slice('Basic '.length),
    DEMO_AGENCY_ACCOUNT.password,
    basic(DEMO_AGENCY_ACCOUNT.user, DEMO_AGENCY_ACCOUNT.password).slice('Basic '.length),
    ...Object.values(DEMO_CLUSTERS).map((c) => c.key),
    ...DEMO_PANELS.map((p) => p.key),
    DEMO_TOKENS.phoebe,
    DEMO_TOKENS.joey,
    DEMO_INSTAGRAM_TOKEN,
  ];

  it('records none of them in clear, and each as its mask', async () => {
    const dashboard = `{
      smmProviders { id balance { amount } }
      orders(ids: ["102341285566"]) { id }
      matchIdStatuses(matchIds: ["PAID_001"]) { state }
      likenamaViewer { username }
    }`;
    const first = await h.send(dashboard, undefined, {
      'x-likenama-token': DEMO_TOKENS.phoebe,
    });
    expect(first.errors).toBeUndefined();
    const callers = await h.send(dashboard, undefined, {
      'x-likenama-token': DEMO_TOKENS.phoebe,
      'x-solmate-authorization': basic(DEMO_AGENCY_ACCOUNT.user, DEMO_AGENCY_ACCOUNT.password),
      'x-solsub-api-key': DEMO_CLUSTERS.user.key,
      'x-smm-key-sosyal': DEMO_PANELS[0]!.key,
    });
    // the agency account does not own the seed account's order: its own account was used
    expect((callers.errors ?? []).map((e) => [e.path?.[0], e.extensions?.code])).toEqual([
      ['orders', 'NOT_FOUND'],
    ]);
    const like = await h.send(
      `mutation($id: ID!, $t: String!) { likeCampaign(id: $id, instagramAccessToken: $t) { userErrors { code } } }`,
      { id: DEMO_CAMPAIGNS.likeable, t: DEMO_INSTAGRAM_TOKEN },
      { 'x-likenama-token': DEMO_TOKENS.joey },
    );
    expect(like.errors).toBeUndefined();

    const everything: string[] = [];
    for (const emu of Object.values(h.stack.emulators)) {
      expect(emu!.requests.length).toBeGreaterThan(0);
      everything.push((await recorded(emu!.url)).text, JSON.stringify(emu!.requests));
    }
    const all = everything.join('\n');
    for (const c of credentials) expect(all).not.toContain(c);
    // and what was sent can still be told apart
    for (const c of [
      basic(DEMO_ACCOUNT.user, DEMO_ACCOUNT.password).slice('Basic '.length),
      basic(DEMO_AGENCY_ACCOUNT.user, DEMO_AGENCY_ACCOUNT.password).slice('Basic '.length),
      DEMO_CLUSTERS.admin.key,
      DEMO_CLUSTERS.user.key,
      DEMO_PANELS[0]!.key,
      DEMO_PANELS[1]!.key,
      DEMO_TOKENS.phoebe,
      DEMO_TOKENS.joey,
      DEMO_INSTAGRAM_TOKEN,
    ]) {
      expect(all).toContain(maskSecret(c));
    }
  });
});
