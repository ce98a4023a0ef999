import { describe, expect, it } from 'vitest';
import { MSG } from '../../emulators/likenama/index.ts';
import { errorsOf, parseBundle, parseCampaign } from '../../subgraphs/likenama/client.ts';
import { refusalErrors } from '../../subgraphs/likenama/refusals.ts';
import { checkCreateCampaign, checkMessage, checkSku } from '../../subgraphs/likenama/input.ts';
import { checkId } from '../../subgraphs/shared/validate.ts';
import {
  campaignStatus,
  isInstagramAuthMessage,
  messageCode,
  paymentType,
} from '../../subgraphs/likenama/words.ts';

const ZWNJ = '\u200c';

describe('Likenama messages → codes', () => {
  it.each([
    [MSG.notFound, 'NOT_FOUND'],
    [MSG.notEnoughCredit, 'NOT_ENOUGH_CREDIT'],
    [MSG.needMoreBudget, 'BUDGET_TOO_LOW'],
    [MSG.wrongInstagramUrl, 'INVALID_TARGET_URL'],
    [MSG.notLiked, 'NOT_LIKED'],
    [MSG.budgetRunOut, 'OUT_OF_BUDGET'],
    [MSG.notVerified, 'NOT_VERIFIED'],
    [MSG.ended, 'ENDED'],
    [MSG.mustWait, 'MUST_WAIT'],
    [MSG.instagramTokenInvalid, 'INSTAGRAM_TOKEN_INVALID'],
    [MSG.sourceDeleted, 'SOURCE_DELETED'],
    [MSG.paymentFailed, 'PAYMENT_FAILED'],
    [MSG.contentTooLong, 'CONTENT_TOO_LONG'],
    [MSG.sessionExpired, 'SESSION_EXPIRED'],
    [MSG.accountLocked, 'ACCOUNT_LOCKED'],
    ['این کمپین حذف شده است', 'SOURCE_DELETED'],
    ['Content is too long (maximum is 500 characters)', 'CONTENT_TOO_LONG'],
    ['something else entirely', 'VALIDATION'],
  ])('%s → %s', (message, code) => {
    expect(messageCode(message)).toBe(code);
  });

  it('reads the words the same with zero-width non-joiners, spaces and Arabic letter forms', () => {
    expect(messageCode(`بودجه این کمپین به پایان رسیده${ZWNJ}است`)).toBe('OUT_OF_BUDGET');
    expect(messageCode(`این کمپین به پایان رسیده${ZWNJ}است`)).toBe('ENDED');
    expect(messageCode(`مورد درخواست${ZWNJ}شده یافت نشد`)).toBe('NOT_FOUND');
    expect(messageCode('شما اعتبار كافي نداريد')).toBe('NOT_ENOUGH_CREDIT');
  });

  it('tells the Instagram 401 from the session 401 by its words', () => {
    expect(isInstagramAuthMessage(MSG.instagramTokenInvalid)).toBe(true);
    expect(isInstagramAuthMessage(`ارتباط با اینستاگرام قطع شده${ZWNJ}است. دوباره وارد شوید`)).toBe(true);
    expect(isInstagramAuthMessage(MSG.sessionExpired)).toBe(false);
    expect(isInstagramAuthMessage(MSG.accountLocked)).toBe(false);
  });
});

describe('campaign statuses and payment types', () => {
  it.each([
    ['درحالنمایش', 'SHOWING'],
    ['درحال نمایش', 'SHOWING'],
    [`درحال${ZWNJ}نمایش`, 'SHOWING'],
    ['ردشده', 'REJECTED'],
    ['رد شده', 'REJECTED'],
    ['available', 'AVAILABLE'],
    ['درحال بررسی', 'PENDING'],
    ['pending', 'PENDING'],
    [`نمایش داده${ZWNJ}نشده`, 'NOT_SHOWN'],
    ['check_needed', 'CHECK_NEEDED'],
    [`به${ZWNJ}پایان رسیده`, 'ENDED'],
    ['ended', 'ENDED'],
    ['بایگانیشده', 'UNKNOWN'],
  ])('%s → %s', (text, status) => {
    expect(campaignStatus(text)).toBe(status);
  });

  it('maps payment types, keeping UNKNOWN for the rest', () => {
    expect(['like', 'coin', 'like_getter', 'money_getter', 'gem'].map(paymentType)).toEqual([
      'LIKE',
      'COIN',
      'LIKE',
      'COIN',
      'UNKNOWN',
    ]);
  });

  it('keeps the raw texts beside the enums', () => {
    expect(
      parseCampaign({
        id: '7',
        target_url: 'http://instagram.com/p/x',
        campaign_type: 'instagram_liking',
        payment_type: 'gem',
        status: 'بایگانیشده',
        budget: '10',
        total_likes: '2',
      }),
    ).toEqual({
      id: '7',
      targetUrl: 'http://instagram.com/p/x',
      campaignType: 'instagram_liking',
      paymentType: 'UNKNOWN',
      paymentTypeText: 'gem',
      status: 'UNKNOWN',
      statusText: 'بایگانیشده',
      budget: 10,
      totalLikes: 2,
    });
  });

  it('keeps a bundle price exact', () => {
    expect(parseBundle({ bazaar_sku: 'x', price: '49000.50', coins: '10', free_coins: '1' })).toEqual({
      bazaarSku: 'x',
      price: '49000.50',
      coins: 10,
      freeCoins: 1,
    });
  });
});

describe('error bodies → userErrors', () => {
  it('reads the keyed and the array form, and nothing else', () => {
    expect(errorsOf({ errors: { target_url: ['a'], budget: ['b', 'c'] } })).toEqual([
      { field: 'target_url', message: 'a' },
      { field: 'budget', message: 'b' },
      { field: 'budget', message: 'c' },
    ]);
    expect(errorsOf({ errors: ['x'] })).toEqual([{ field: null, message: 'x' }]);
    expect(errorsOf({ errors: {} })).toBeNull();
    expect(errorsOf({ error: 'x' })).toBeNull();
    expect(errorsOf('x')).toBeNull();
  });

  it('maps upstream fields to input paths (base, coin_credit and the array form to none)', () => {
    const errors = refusalErrors('createCampaign', {
      status: 422,
      errors: [
        { field: 'target_url', message: MSG.wrongInstagramUrl },
        { field: 'budget', message: MSG.needMoreBudget },
        { field: 'campaign_class_id', message: 'x' },
        { field: 'base', message: 'y' },
        { field: 'mystery', message: 'z' },
      ],
    });
    expect(errors).toEqual([
      { field: ['input', 'targetUrl'], message: MSG.wrongInstagramUrl, code: 'INVALID_TARGET_URL' },
      { field: ['input', 'budget'], message: MSG.needMoreBudget, code: 'BUDGET_TOO_LOW' },
      { field: ['input', 'campaignClassId'], message: 'x', code: 'VALIDATION' },
      { field: null, message: 'y', code: 'VALIDATION' },
      { field: null, message: 'z', code: 'VALIDATION' },
    ]);
    expect(
      refusalErrors('purchaseProduct', {
        status: 422,
        errors: [{ field: 'coin_credit', message: MSG.notEnoughCredit }],
      }),
    ).toEqual([{ field: null, message: MSG.notEnoughCredit, code: 'NOT_ENOUGH_CREDIT' }]);
    expect(
      refusalErrors('sendMessage', { status: 422, errors: [{ field: null, message: MSG.contentTooLong }] }),
    ).toEqual([{ field: null, message: MSG.contentTooLong, code: 'CONTENT_TOO_LONG' }]);
  });

  it('names a 404 after what each write looks up', () => {
    const r = { status: 404, errors: [{ field: 'base', message: MSG.notFound }] };
    expect(refusalErrors('purchaseProduct', r)[0]!.code).toBe('OUT_OF_STOCK');
    expect(refusalErrors('createCampaign', r)[0]!.code).toBe('NOT_FOUND');
    expect(refusalErrors('likeCampaign', r)[0]!.code).toBe('NOT_FOUND');
  });
});

describe('input checks', () => {
  it('takes digits-only ids and path-safe SKUs', () => {
    expect(checkId('2578', ['id'])).toEqual([]);
    for (const bad of ['', 'a1', '1/like', '../1', '1 ', '-1', '1e3']) {
      expect(checkId(bad, ['id'])).toEqual([
        { field: ['id'], message: `id must be digits only, got ${JSON.stringify(bad)}`, code: 'INVALID_ID' },
      ]);
    }
    for (const ok of ['lurline', 'desiree.larson', 'alene_considine', 'coins-100'])
      expect(checkSku(ok)).toEqual([]);
    for (const bad of ['', '.', '..', '../x', 'a/b', 'a b', 'a%2f', 'a?b']) {
      expect(checkSku(bad).map((e) => e.code)).toEqual(['INVALID_SKU']);
    }
  });

  it('checks a new campaign field by field', () => {
    expect(
      checkCreateCampaign({ campaignClassId: '1092', targetUrl: 'https://instagram.com/p/x', budget: 1 }),
    ).toEqual([]);
    expect(
      checkCreateCampaign({ campaignClassId: ' ', targetUrl: '', budget: 0 }).map((e) => [e.code, e.field]),
    ).toEqual([
      ['REQUIRED', ['input', 'campaignClassId']],
      ['REQUIRED', ['input', 'targetUrl']],
      ['INVALID_BUDGET', ['input', 'budget']],
    ]);
    expect(
      checkCreateCampaign({
        campaignClassId: '10a',
        targetUrl: 'javascript:alert(1)',
        budget: -5,
        website: 'ftp://x',
      }).map((e) => e.code),
    ).toEqual(['INVALID_ID', 'INVALID_URL', 'INVALID_BUDGET', 'INVALID_URL']);
  });

  it('checks a message: e-mail, title, 1..500 characters of content', () => {
    const ok = { email: 'sample@example.com', title: 'Hi', content: 'x'.repeat(500) };
    expect(checkMessage(ok)).toEqual([]);
    // 500 Persian letters and emoji are 500 characters, whatever their UTF-16 length
    expect(checkMessage({ ...ok, content: '😀'.repeat(500) })).toEqual([]);
    expect(checkMessage({ ...ok, content: 'x'.repeat(501) }).map((e) => [e.code, e.field])).toEqual([
      ['CONTENT_TOO_LONG', ['input', 'content']],
    ]);
    expect(
      checkMessage({ email: 'not-an-email', title: '  ', content: '' }).map((e) => [e.code, e.field]),
    ).toEqual([
      ['INVALID_EMAIL', ['input', 'email']],
      ['REQUIRED', ['input', 'title']],
      ['REQUIRED', ['input', 'content']],
    ]);
    for (const bad of ['a@b', 'a b@c.de', '@c.de', 'a@@c.de', 'a@c.d']) {
      expect(checkMessage({ ...ok, email: bad }).map((e) => e.code)).toEqual(['INVALID_EMAIL']);
    }
  });
});
