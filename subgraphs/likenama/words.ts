import type { CampaignPaymentType, CampaignStatus } from './__generated__/resolvers-types.ts';

/**
 * Likenama writes Persian with and without zero-width non-joiners and spaces (`شده‌است`,
 * `شدهاست`, `درحال نمایش`, `درحالنمایش`), and Arabic or Persian forms of ی and ک. Texts are
 * compared in this folded form; what the caller sees is always upstream's original text.
 */
export const fold = (s: string): string =>
  s
    .normalize('NFC')
    .replace(/[\u200b-\u200f\u2060\ufeff\s_-]+/g, '')
    .replace(/[\u064a\u0649]/g, '\u06cc')
    .replace(/\u0643/g, '\u06a9')
    .toLowerCase();

/** Each documented message (and the ones the public server's locale file adds), by its code. */
const MESSAGE_CODES: Array<[code: string, texts: string[]]> = [
  ['NOT_FOUND', ['مورد درخواست‌شده یافت نشد']],
  ['NOT_ENOUGH_CREDIT', ['شما اعتبار کافی ندارید']],
  ['BUDGET_TOO_LOW', ['باید اعتبار بیشتری برای کمپین خود اختصاص دهید']],
  ['INVALID_TARGET_URL', ['آدرس تصویر اینستاگرام اشتباه است']],
  ['NOT_LIKED', ['این کمپین لایک نشده است']],
  ['OUT_OF_BUDGET', ['بودجه این کمپین به پایان رسیده‌است']],
  ['NOT_VERIFIED', ['این کمپین به تایید مدیریت نرسیده‌است']],
  ['ENDED', ['این کمپین به پایان رسیده‌است']],
  ['MUST_WAIT', ['بین هر لایک باید چند ثانیه صبر کنید']],
  ['INSTAGRAM_TOKEN_INVALID', ['ارتباط با اینستاگرام قطع شده‌است. دوباره وارد شوید']],
  ['SOURCE_DELETED', ['این کمپین دیگر موجود نیست', 'این کمپین حذف شده است']],
  ['PAYMENT_FAILED', ['پرداخت ناموفق بوده‌است']],
  ['CONTENT_TOO_LONG', ['متن‌پیام بلند است (حداکثر 500 کاراکتر)']],
  ['INSTAGRAM_ERROR', ['خطایی از جانب اینستاگرام رخ داده‌است. لطفا دوباره تلاش کنید']],
  ['CLASS_NOT_AVAILABLE', ['کلاس کمپین معتبر نیست']],
  ['PURCHASE_FAILED', ['مشکلی در خرید محصول به‌وجود آمده. لطفا دوباره تلاش کنید']],
  ['DETAILS_MISSING', ['اطلاعات واردشده برای ساخت کمپین کافی نیست']],
  ['SESSION_EXPIRED', ['ارتباط با سرور قطع شده‌است. دوباره وارد شوید']],
  ['ACCOUNT_LOCKED', ['اکانت شما قفل شده‌است. برای اطلاعات بیشتر با پشتیبانی تماس بگیرید']],
];

const BY_TEXT = new Map<string, string>(
  MESSAGE_CODES.flatMap(([code, texts]) => texts.map((t): [string, string] => [fold(t), code])),
);

/** The machine-readable code of one of Likenama's messages; VALIDATION for any other text. */
export function messageCode(message: string): string {
  const f = fold(message);
  const exact = BY_TEXT.get(f);
  if (exact) return exact;
  // Rails prefixes an attribute name to some messages ("متن‌پیام بلند است ...", "Content is too long")
  if (f.includes(fold('بلند است (حداکثر')) || f.includes('toolong')) return 'CONTENT_TOO_LONG';
  if (f.includes(fold('اعتبار کافی ندارید'))) return 'NOT_ENOUGH_CREDIT';
  if (f.includes(fold('یافت نشد'))) return 'NOT_FOUND';
  return 'VALIDATION';
}

/**
 * The like endpoint answers 401 for two different things: the caller's Likenama token (an
 * auth failure of the request) and the caller's Instagram token (a business outcome of this
 * like). Only the words tell them apart.
 */
export const isInstagramAuthMessage = (message: string) => fold(message).includes(fold('اینستاگرام'));

const STATUSES: Record<string, CampaignStatus> = {
  [fold('درحال نمایش')]: 'SHOWING',
  showing: 'SHOWING',
  available: 'AVAILABLE',
  [fold('درحال بررسی')]: 'PENDING',
  pending: 'PENDING',
  [fold('نمایش داده‌نشده')]: 'NOT_SHOWN',
  checkneeded: 'CHECK_NEEDED',
  [fold('به‌پایان رسیده')]: 'ENDED',
  ended: 'ENDED',
  finished: 'ENDED',
  [fold('رد شده')]: 'REJECTED',
  rejected: 'REJECTED',
};

export const campaignStatus = (text: string): CampaignStatus => STATUSES[fold(text)] ?? 'UNKNOWN';

const PAYMENT_TYPES: Record<string, CampaignPaymentType> = {
  like: 'LIKE',
  likegetter: 'LIKE',
  coin: 'COIN',
  moneygetter: 'COIN',
};

export const paymentType = (text: string): CampaignPaymentType => PAYMENT_TYPES[fold(text)] ?? 'UNKNOWN';
