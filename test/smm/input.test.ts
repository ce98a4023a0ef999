import { describe, expect, it } from 'vitest';
import { checkAddOrder, refusalCode, TYPE_RULES } from '../../subgraphs/smm/input.ts';
import type { SmmServiceRecord } from '../../subgraphs/smm/client.ts';
import type { SmmAddOrderInput, SmmServiceType } from '../../subgraphs/smm/__generated__/resolvers-types.ts';

const service = (type: SmmServiceType, extra: Partial<SmmServiceRecord> = {}): SmmServiceRecord => ({
  id: '7',
  name: 'x',
  type,
  typeText: type,
  category: null,
  rate: '1',
  min: 10,
  max: 1000,
  refill: false,
  cancel: false,
  dripfeed: null,
  description: null,
  ...extra,
});

/** A valid input for each type, so every type's happy path is exercised. */
const VALID: Record<keyof typeof TYPE_RULES, Omit<SmmAddOrderInput, 'service'>> = {
  DEFAULT: { link: 'https://x/p', quantity: 100 },
  PACKAGE: { link: 'https://x/p' },
  SEO: { link: 'https://x', quantity: 100, keywords: ['a', 'b'] },
  CUSTOM_COMMENTS: { link: 'https://x/p', comments: Array.from({ length: 12 }, (_, i) => `c${i}`) },
  CUSTOM_COMMENTS_PACKAGE: { link: 'https://x/p', comments: ['nice'] },
  MENTIONS: { link: 'https://x/p', quantity: 100, usernames: ['u1'] },
  MENTIONS_WITH_HASHTAGS: { link: 'https://x/p', quantity: 100, usernames: ['u1'], hashtags: ['#h'] },
  MENTIONS_CUSTOM_LIST: { link: 'https://x/p', usernames: Array.from({ length: 10 }, (_, i) => `u${i}`) },
  MENTIONS_HASHTAG: { link: 'https://x/p', quantity: 100, hashtag: 'h' },
  MENTIONS_USER_FOLLOWERS: { link: 'https://x/p', quantity: 100, username: 'u' },
  MENTIONS_MEDIA_LIKERS: { link: 'https://x/p', quantity: 100, media: 'https://x/m' },
  COMMENT_LIKES: { link: 'https://x/p', quantity: 100, username: 'owner' },
  POLL: { link: 'https://x/p', quantity: 100, answerNumber: 2 },
  COMMENT_REPLIES: { link: 'https://x/p', username: 'u', comments: ['r1', 'r2'] },
  INVITES_FROM_GROUPS: { link: 'https://x/p', quantity: 100, groups: ['g1', 'g2'] },
  SUBSCRIPTIONS: { username: 'u', min: 10, max: 100, posts: 5, oldPosts: 0, delay: 30, expiry: '2027-01-31' },
};

describe('checkAddOrder', () => {
  it.each(Object.keys(VALID) as Array<keyof typeof VALID>)(
    'accepts a complete %s order and builds its parameters',
    (type) => {
      const r = checkAddOrder({ service: '7', ...VALID[type] }, service(type));
      expect(r).toMatchObject({ ok: true });
      if (r.ok) {
        expect(r.params.service).toBe('7');
        for (const f of TYPE_RULES[type].required) {
          const param = { answerNumber: 'answer_number', oldPosts: 'old_posts' }[f as string] ?? f;
          expect(r.params[param]).toBeDefined();
        }
      }
    },
  );

  it('sends lists one entry per line and names fields as the protocol does', () => {
    const r = checkAddOrder({ service: '7', ...VALID.COMMENT_REPLIES }, service('COMMENT_REPLIES'));
    expect(r.ok && r.params.comments).toBe('r1\nr2');
    const p = checkAddOrder({ service: '7', ...VALID.POLL }, service('POLL'));
    expect(p.ok && p.params.answer_number).toBe('2');
    const s = checkAddOrder({ service: '7', ...VALID.SUBSCRIPTIONS }, service('SUBSCRIPTIONS'));
    expect(s.ok && s.params).toMatchObject({ old_posts: '0', expiry: '31/01/2027' });
    expect(s.ok && 'link' in s.params).toBe(false);
  });

  it('reports every missing and foreign field at its input path', () => {
    const r = checkAddOrder(
      { service: '7', link: 'https://x', hashtag: 'h' },
      service('MENTIONS_WITH_HASHTAGS'),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.userErrors.map((e) => [e.code, e.field?.join('.')])).toEqual([
        ['REQUIRED', 'input.quantity'],
        ['REQUIRED', 'input.usernames'],
        ['REQUIRED', 'input.hashtags'],
        ['NOT_ALLOWED', 'input.hashtag'],
      ]);
    }
  });

  it('checks quantity, the number of comments and subscription bounds against the service', () => {
    const low = checkAddOrder({ service: '7', link: 'l', quantity: 5 }, service('DEFAULT'));
    expect(!low.ok && low.userErrors[0]).toMatchObject({
      code: 'QUANTITY_TOO_LOW',
      field: ['input', 'quantity'],
    });
    const high = checkAddOrder(
      { service: '7', link: 'l', comments: ['a'] },
      service('CUSTOM_COMMENTS', { min: 2 }),
    );
    expect(!high.ok && high.userErrors[0]).toMatchObject({
      code: 'QUANTITY_TOO_LOW',
      field: ['input', 'comments'],
    });
    const sub = checkAddOrder({ service: '7', username: 'u', min: 500, max: 100 }, service('SUBSCRIPTIONS'));
    expect(!sub.ok && sub.userErrors.map((e) => e.code)).toEqual(['INVALID']);
  });

  it('refuses entries that would split into several lines, bad media, bad expiry, half a drip-feed', () => {
    const r = checkAddOrder(
      {
        service: '7',
        link: 'l',
        quantity: 100,
        runs: 3,
        usernames: ['a\nb'],
        media: 'ftp://x',
        expiry: '31/01/2027',
      },
      service('UNKNOWN', { dripfeed: false }),
    );
    expect(!r.ok && r.userErrors.map((e) => e.field?.join('.')).sort()).toEqual(
      ['input.expiry', 'input.interval', 'input.media', 'input.runs', 'input.usernames'].sort(),
    );
  });

  it.each([
    ['Not enough funds on balance', 'NOT_ENOUGH_FUNDS'],
    ['neworder.error.not_enough_funds', 'NOT_ENOUGH_FUNDS'],
    ['Quantity less than minimal 50', 'QUANTITY_TOO_LOW'],
    ['neworder.error.max_quantity', 'QUANTITY_TOO_HIGH'],
    ['Incorrect service ID', 'INCORRECT_SERVICE'],
    ['neworder.error.link_duplicate', 'DUPLICATE_LINK'],
    ['Incorrect order ID', 'NOT_FOUND'],
    ['This action is Invalid', 'NOT_ALLOWED'],
    ['Something else', 'REJECTED'],
  ])('codes the refusal %j as %s', (text, code) => {
    expect(refusalCode(text)).toBe(code);
  });
});
