// Free-text input (titles, URLs, messages, descriptions, comments, usernames, tokens) of all four
// APIs refuses C0/C1 control characters (tab, LF and CR only in multi-line texts) and the bidi
// override, embedding and isolate characters, as a userError at the field's path and before any
// upstream call. The marks Persian needs (ZWNJ, ZWJ, LRM, RLM) pass through unchanged.
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_TOKENS } from '../../emulators/likenama/index.ts';
import { textProblem } from '../../subgraphs/shared/validate.ts';
import { useStack } from '../helpers/use-stack.ts';
import { validCreate, validUpdate } from '../solmate/helpers.ts';

const s = useStack();
const emu = (api: 'solmate' | 'solsub' | 'smm' | 'likenama') => s.stack.emulators[api]!;
beforeEach(() => {
  for (const e of Object.values(s.stack.emulators)) e.reset();
});

interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}
const TOKEN = { 'x-likenama-token': DEMO_TOKENS.phoebe };

// one character of each refused kind, and where in a text it sits
const RLO = '\u202E'; // right-to-left override
const LRI = '\u2066'; // left-to-right isolate
const NUL = '\u0000';
const ESC = '\u001B';
const BAD: Array<[string, string]> = [
  ['a right-to-left override', `ok${RLO}gpj.exe`],
  ['a left-to-right isolate', `ok${LRI}x`],
  ['a NUL', `ok${NUL}`],
  ['an ESC sequence', `ok${ESC}[31m`],
  ['a C1 control', 'ok\u0085'],
];

describe('textProblem', () => {
  it('refuses controls and bidi overrides, naming the code point and echoing nothing', () => {
    expect(textProblem(`x${RLO}`, 'line')).toBe(
      'must not contain bidi override, embedding or isolate characters (found U+202E)',
    );
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069'])
      expect(textProblem(c, 'multiline')).toMatch(/bidi/);
    expect(textProblem(`a${NUL}`, 'multiline')).toBe('must not contain control characters (found U+0000)');
    expect(textProblem('a\u007F', 'multiline')).toMatch(/U\+007F/);
    expect(textProblem('a\nb', 'line')).toBe('must be one line without tabs (found U+000A)');
    expect(textProblem('a\tb', 'line')).toMatch(/U\+0009/);
  });

  it('keeps what Persian and multi-line text need', () => {
    expect(textProblem('می\u200Cخواهم', 'line')).toBeNull(); // ZWNJ
    expect(textProblem('\u200D\u200E\u200F\u061C', 'line')).toBeNull(); // ZWJ, LRM, RLM, ALM
    expect(textProblem('سلام\r\n\tخوبی؟', 'multiline')).toBeNull();
  });
});

describe('Solmate: createOrder and updateOrder', () => {
  const CREATE = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } userErrors { field message code } } }`;
  const UPDATE = `mutation($input: UpdateOrderInput!) { updateOrder(id: "102341285566", input: $input) { order { id } userErrors { field message code } } }`;

  it.each(BAD)('refuses %s in each text field, calling Solmate 0 times', async (_what, bad) => {
    for (const field of ['title', 'materialUrl', 'clickUrl']) {
      const r = await s.send<{ createOrder: { order: unknown; userErrors: UserError[] } }>(CREATE, {
        input: validCreate({ [field]: `https://a.example/${bad}` }),
      });
      expect(r.data!.createOrder.order).toBeNull();
      expect(r.data!.createOrder.userErrors).toEqual([
        {
          field: ['input', field],
          message: expect.stringMatching(`^input.${field} must`),
          code: 'INVALID_TEXT',
        },
      ]);
    }
    const u = await s.send<{ updateOrder: { userErrors: UserError[] } }>(UPDATE, {
      input: validUpdate({ clickUrl: `https://a.example/${bad}` }),
    });
    expect(u.data!.updateOrder.userErrors.map((e) => e.field)).toEqual([['input', 'clickUrl']]);
    expect(emu('solmate').requests).toHaveLength(0);
  });

  it('refuses a line break in a title', async () => {
    const r = await s.send<{ createOrder: { userErrors: UserError[] } }>(CREATE, {
      input: validCreate({ title: 'two\nlines' }),
    });
    expect(r.data!.createOrder.userErrors).toEqual([
      {
        field: ['input', 'title'],
        message: 'input.title must be one line without tabs (found U+000A)',
        code: 'INVALID_TEXT',
      },
    ]);
    expect(emu('solmate').requests).toHaveLength(0);
  });
});

describe('SMM: smmAddOrder', () => {
  const ADD = `mutation($input: SmmAddOrderInput!) { smmAddOrder(provider: "sosyal", input: $input, idempotencyKey: "free-text-1") { order { id } userErrors { field message code } } }`;
  const add = (input: Record<string, unknown>) =>
    s.send<{ smmAddOrder: { order: unknown; userErrors: UserError[] } }>(ADD, { input });

  it.each(BAD)('refuses %s in a link, a comment or a username, calling no panel', async (_what, bad) => {
    const r = await add({ service: '1', link: `https://instagram.com/p/${bad}`, quantity: 100 });
    expect(r.data!.smmAddOrder.order).toBeNull();
    expect(r.data!.smmAddOrder.userErrors).toEqual([
      { field: ['input', 'link'], message: expect.stringMatching(/^input\.link must/), code: 'INVALID_TEXT' },
    ]);
    const list = await add({
      service: '4',
      link: 'https://instagram.com/p/x',
      comments: ['fine', `not ${bad}`],
    });
    expect(list.data!.smmAddOrder.userErrors.map((e) => e.field)).toEqual([['input', 'comments', '1']]);
    const user = await add({
      service: '10',
      link: 'https://instagram.com/p/x',
      quantity: 100,
      username: bad,
    });
    expect(user.data!.smmAddOrder.userErrors.map((e) => e.field)).toEqual([['input', 'username']]);
    // not even the service list was read, and the key was not kept: a fixed input goes through
    expect(emu('smm').requests).toHaveLength(0);
    const fixed = await add({ service: '1', link: 'https://instagram.com/p/x', quantity: 100 });
    expect(fixed.data!.smmAddOrder.userErrors).toEqual([]);
  });
});

describe('Likenama: createCampaign, sendMessage, likeCampaign, purchaseBundle', () => {
  const CREATE = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { created userErrors { field message code } } }`;
  const MESSAGE = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { sent userErrors { field message code } } }`;
  const LIKE = `mutation($t: String!) { likeCampaign(id: "2578", instagramAccessToken: $t) { userErrors { field message code } } }`;
  const BUNDLE = `mutation($t: String!) { purchaseBundle(sku: "lurline", purchaseToken: $t) { purchased userErrors { field message code } } }`;
  const campaign = { campaignClassId: '1092', targetUrl: 'https://instagram.com/p/x', budget: 10 };
  const message = { email: 'sample@example.com', title: 'سلام', content: 'سلام' };

  it.each(BAD)('refuses %s in every free-text field, calling Likenama 0 times', async (_what, bad) => {
    for (const field of ['targetUrl', 'description', 'phone', 'website', 'address']) {
      const r = await s.send<{ createCampaign: { created: boolean; userErrors: UserError[] } }>(
        CREATE,
        { input: { ...campaign, [field]: `https://x.example/${bad}` } },
        TOKEN,
      );
      expect(r.data!.createCampaign.created).toBe(false);
      expect(r.data!.createCampaign.userErrors).toEqual([
        {
          field: ['input', field],
          message: expect.stringMatching(`^input.${field} must`),
          code: 'INVALID_TEXT',
        },
      ]);
    }
    for (const field of ['email', 'title', 'content']) {
      const r = await s.send<{ sendMessage: { sent: boolean; userErrors: UserError[] } }>(
        MESSAGE,
        { input: { ...message, [field]: `a ${bad}` } },
        TOKEN,
      );
      expect(r.data!.sendMessage.userErrors.map((e) => [e.field, e.code])).toEqual([
        [['input', field], 'INVALID_TEXT'],
      ]);
    }
    const like = await s.send<{ likeCampaign: { userErrors: UserError[] } }>(LIKE, { t: `t${bad}` }, TOKEN);
    expect(like.data!.likeCampaign.userErrors.map((e) => e.field)).toEqual([['instagramAccessToken']]);
    const bundle = await s.send<{ purchaseBundle: { userErrors: UserError[] } }>(
      BUNDLE,
      { t: `t${bad}` },
      TOKEN,
    );
    expect(bundle.data!.purchaseBundle.userErrors.map((e) => e.field)).toEqual([['purchaseToken']]);
    expect(emu('likenama').requests).toHaveLength(0);
  });

  it('sends Persian with ZWNJ, ZWJ, LRM and RLM, and line breaks in a message, unchanged', async () => {
    const content = 'می\u200Cخواهم\u200D سفارش \u200Eabc\u200F را ببینم.\r\nممنون\tاز شما';
    const title = 'درخواست\u200Cها';
    const r = await s.send<{ sendMessage: { sent: boolean; userErrors: UserError[] } }>(
      MESSAGE,
      { input: { ...message, title, content } },
      TOKEN,
    );
    expect(r.data!.sendMessage).toEqual({ sent: true, userErrors: [] });
    expect(emu('likenama').calls('POST /api/messages')[0]!.body).toEqual({
      message: { email: message.email, title, content },
    });
  });

  it('refuses a line break in a title but not in the content', async () => {
    const r = await s.send<{ sendMessage: { userErrors: UserError[] } }>(
      MESSAGE,
      { input: { ...message, title: 'a\nb', content: 'a\nb' } },
      TOKEN,
    );
    expect(r.data!.sendMessage.userErrors.map((e) => e.field)).toEqual([['input', 'title']]);
    expect(emu('likenama').requests).toHaveLength(0);
  });
});

describe('SolSub: Match IDs (letters, digits, "_" and "-" only)', () => {
  it.each(BAD)('refuses %s with BAD_USER_INPUT, calling SolSub 0 times', async (_what, bad) => {
    const r = await s.send(`query($id: String!) { matchIdStatus(matchId: $id) { state } }`, {
      id: `PAID_001${bad}`,
    });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const c = await s.send<{ createMatchId: unknown }>(
      `mutation($id: String!) { createMatchId(matchId: $id) { userErrors { field code } } }`,
      { id: `M${bad}` },
    );
    expect(JSON.stringify(c)).toMatch(/BAD_USER_INPUT|INVALID/);
    expect(emu('solsub').requests).toHaveLength(0);
  });
});
