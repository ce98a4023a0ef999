/** Likenama's messages exactly as the API docs (seed 003) write them. */
export const MSG = {
  notFound: 'مورد درخواستشده یافت نشد',
  sessionExpired: 'ارتباط با سرور قطع شدهاست. دوباره وارد شوید',
  accountLocked: 'اکانت شما قفل شدهاست. برای اطلاعات بیشتر با پشتیبانی تماس بگیرید',
  wrongInstagramUrl: 'آدرس تصویر اینستاگرام اشتباه است',
  notEnoughCredit: 'شما اعتبار کافی ندارید',
  needMoreBudget: 'باید اعتبار بیشتری برای کمپین خود اختصاص دهید',
  notLiked: 'این کمپین لایک نشده است',
  budgetRunOut: 'بودجه این کمپین به پایان رسیدهاست',
  notVerified: 'این کمپین به تایید مدیریت نرسیدهاست',
  ended: 'این کمپین به پایان رسیدهاست',
  mustWait: 'بین هر لایک باید چند ثانیه صبر کنید',
  instagramTokenInvalid: 'ارتباط با اینستاگرام قطع شدهاست. دوباره وارد شوید',
  sourceDeleted: 'این کمپین دیگر موجود نیست',
  paymentFailed: 'پرداخت ناموفق بودهاست',
  contentTooLong: 'متنپیام بلند است (حداکثر 500 کاراکتر)',
  // not in the docs: Rails' own wording for a blank attribute (the public server's locale file)
  emailBlank: 'ایمیل نباید خالی باشد',
  contentBlank: 'متنپیام نباید خالی باشد',
} as const;
