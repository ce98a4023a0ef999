import { userError, type UserError } from '../shared/errors.ts';
import type { SmmServiceRecord } from './client.ts';
import type { SmmAddOrderInput, SmmServiceType } from './__generated__/resolvers-types.ts';

type Field = Exclude<keyof SmmAddOrderInput, 'service'>;

interface TypeRule {
  required: Field[];
  optional?: Field[];
  /** how the ordered amount is counted: the quantity field, or the number of lines of a list */
  counted?: 'quantity' | 'comments' | 'usernames';
}

/** Which fields each service type takes, from the protocol reference. */
export const TYPE_RULES: Record<Exclude<SmmServiceType, 'UNKNOWN'>, TypeRule> = {
  DEFAULT: { required: ['link', 'quantity'], optional: ['runs', 'interval'], counted: 'quantity' },
  PACKAGE: { required: ['link'] },
  SEO: { required: ['link', 'quantity', 'keywords'], counted: 'quantity' },
  CUSTOM_COMMENTS: { required: ['link', 'comments'], counted: 'comments' },
  CUSTOM_COMMENTS_PACKAGE: { required: ['link', 'comments'] },
  MENTIONS: { required: ['link', 'quantity', 'usernames'], counted: 'quantity' },
  MENTIONS_WITH_HASHTAGS: { required: ['link', 'quantity', 'usernames', 'hashtags'], counted: 'quantity' },
  MENTIONS_CUSTOM_LIST: { required: ['link', 'usernames'], counted: 'usernames' },
  MENTIONS_HASHTAG: { required: ['link', 'quantity', 'hashtag'], counted: 'quantity' },
  MENTIONS_USER_FOLLOWERS: { required: ['link', 'quantity', 'username'], counted: 'quantity' },
  MENTIONS_MEDIA_LIKERS: { required: ['link', 'quantity', 'media'], counted: 'quantity' },
  COMMENT_LIKES: { required: ['link', 'quantity', 'username'], counted: 'quantity' },
  POLL: { required: ['link', 'quantity', 'answerNumber'], counted: 'quantity' },
  COMMENT_REPLIES: { required: ['link', 'username', 'comments'] },
  INVITES_FROM_GROUPS: { required: ['link', 'quantity', 'groups'], counted: 'quantity' },
  SUBSCRIPTIONS: { required: ['username', 'min', 'max'], optional: ['posts', 'oldPosts', 'delay', 'expiry'] },
};

/** The protocol's parameter name for each input field. */
const PARAM: Record<Field, string> = {
  link: 'link',
  quantity: 'quantity',
  runs: 'runs',
  interval: 'interval',
  comments: 'comments',
  usernames: 'usernames',
  hashtags: 'hashtags',
  hashtag: 'hashtag',
  username: 'username',
  media: 'media',
  answerNumber: 'answer_number',
  groups: 'groups',
  keywords: 'keywords',
  min: 'min',
  max: 'max',
  posts: 'posts',
  oldPosts: 'old_posts',
  delay: 'delay',
  expiry: 'expiry',
};

const LIST_FIELDS = new Set<Field>(['comments', 'usernames', 'hashtags', 'groups', 'keywords']);
/** The free-text fields (each one line, list entries too): checked for control and bidi characters first. */
export const TEXT_FIELDS = [
  'link',
  'comments',
  'usernames',
  'hashtags',
  'hashtag',
  'username',
  'media',
  'groups',
  'keywords',
  'expiry',
] as const satisfies readonly Field[];
const POSITIVE_INT_FIELDS = new Set<Field>([
  'quantity',
  'runs',
  'interval',
  'answerNumber',
  'min',
  'max',
  'posts',
]);
const NON_NEGATIVE_INT_FIELDS = new Set<Field>(['oldPosts', 'delay']);
const MAX_TEXT = 2048;
const MAX_LIST = 10_000;

export type AddOrderCheck =
  { ok: true; params: Record<string, string> } | { ok: false; userErrors: UserError[] };

const path = (f: Field) => ['input', f];

/**
 * Checks an order against its service before the panel is called, and builds the protocol
 * parameters. Every problem found is reported at once, each at its input path.
 */
export function checkAddOrder(input: SmmAddOrderInput, service: SmmServiceRecord): AddOrderCheck {
  const errors: UserError[] = [];
  const rule: TypeRule | undefined = service.type === 'UNKNOWN' ? undefined : TYPE_RULES[service.type];
  const given = (Object.keys(PARAM) as Field[]).filter((f) => input[f] !== undefined && input[f] !== null);

  if (rule) {
    const allowed = new Set<Field>([...rule.required, ...(rule.optional ?? [])]);
    for (const f of rule.required) {
      if (!given.includes(f)) {
        errors.push(userError('REQUIRED', `${f} is required for ${service.typeText} services`, path(f)));
      }
    }
    for (const f of given) {
      if (!allowed.has(f)) {
        errors.push(userError('NOT_ALLOWED', `${f} is not used by ${service.typeText} services`, path(f)));
      }
    }
  }

  for (const f of given) {
    const v = input[f];
    if (LIST_FIELDS.has(f)) {
      const list = v as string[];
      if (list.length === 0) errors.push(userError('INVALID', `${f} needs at least one entry`, path(f)));
      if (list.length > MAX_LIST)
        errors.push(userError('INVALID', `${f} takes at most ${MAX_LIST} entries`, path(f)));
      // entries are sent one per line, so a line break inside one would split it in two
      if (list.some((s) => s.trim() === '' || /[\r\n]/.test(s) || s.length > MAX_TEXT)) {
        errors.push(userError('INVALID', `each entry of ${f} must be one non-empty line`, path(f)));
      }
    } else if (typeof v === 'number') {
      const min = NON_NEGATIVE_INT_FIELDS.has(f) ? 0 : POSITIVE_INT_FIELDS.has(f) ? 1 : 0;
      if (v < min)
        errors.push(userError('INVALID', `${f} must be ${min === 1 ? 'positive' : 'zero or more'}`, path(f)));
    } else if (typeof v === 'string') {
      if (v.trim() === '' || /[\r\n]/.test(v) || v.length > MAX_TEXT) {
        errors.push(
          userError('INVALID', `${f} must be one non-empty line of at most ${MAX_TEXT} characters`, path(f)),
        );
      }
    }
  }

  if (input.media != null && !/^https?:\/\/\S+$/i.test(input.media)) {
    errors.push(userError('INVALID', 'media must be an http(s) URL', path('media')));
  }
  if (input.expiry != null && !/^\d{4}-\d{2}-\d{2}$/.test(input.expiry)) {
    errors.push(userError('INVALID', 'expiry must be a date as YYYY-MM-DD', path('expiry')));
  }
  if ((input.runs == null) !== (input.interval == null)) {
    errors.push(
      userError(
        'INVALID',
        'runs and interval go together (drip-feed)',
        path(input.runs == null ? 'runs' : 'interval'),
      ),
    );
  }
  if (input.runs != null && service.dripfeed === false) {
    errors.push(userError('NOT_ALLOWED', `service ${service.id} does not offer drip-feed`, path('runs')));
  }

  const amountOf = (): [number, Field] | null => {
    if (rule?.counted === 'quantity' && input.quantity != null) return [input.quantity, 'quantity'];
    if (rule?.counted === 'comments' && input.comments) return [input.comments.length, 'comments'];
    if (rule?.counted === 'usernames' && input.usernames) return [input.usernames.length, 'usernames'];
    if (!rule && input.quantity != null) return [input.quantity, 'quantity'];
    return null;
  };
  const amount = amountOf();
  if (amount) {
    const [n, f] = amount;
    if (n < service.min)
      errors.push(userError('QUANTITY_TOO_LOW', `Quantity less than minimal ${service.min}`, path(f)));
    if (n > service.max)
      errors.push(userError('QUANTITY_TOO_HIGH', `Quantity more than maximal ${service.max}`, path(f)));
  }
  if (service.type === 'SUBSCRIPTIONS' && input.min != null && input.max != null) {
    if (input.min > input.max) errors.push(userError('INVALID', 'min must not be above max', path('min')));
    if (input.min < service.min)
      errors.push(userError('QUANTITY_TOO_LOW', `Quantity less than minimal ${service.min}`, path('min')));
    if (input.max > service.max)
      errors.push(userError('QUANTITY_TOO_HIGH', `Quantity more than maximal ${service.max}`, path('max')));
  }

  if (errors.length > 0) return { ok: false, userErrors: dedupe(errors) };

  const params: Record<string, string> = { service: service.id };
  for (const f of given) {
    const v = input[f];
    if (f === 'expiry') {
      // panels of this protocol read the expiry as d/m/Y
      const [y, m, d] = String(v).split('-');
      params[PARAM[f]] = `${d}/${m}/${y}`;
    } else {
      params[PARAM[f]] = Array.isArray(v) ? v.join('\n') : String(v);
    }
  }
  return { ok: true, params };
}

function dedupe(errors: UserError[]): UserError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.code}|${e.field?.join('.')}|${e.message}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/** A code for the panel's refusal of an order, from its own words. */
export function refusalCode(message: string): string {
  const m = message.toLowerCase();
  if (/(not[\s_]?enough[\s_]?funds|insufficient|balance)/.test(m)) return 'NOT_ENOUGH_FUNDS';
  if (/(min(imal|imum)?[\s_]?quantity|less than minimal)/.test(m)) return 'QUANTITY_TOO_LOW';
  if (/(max(imal|imum)?[\s_]?quantity|more than maximal)/.test(m)) return 'QUANTITY_TOO_HIGH';
  if (/(service[\s_]?id|incorrect_service)/.test(m)) return 'INCORRECT_SERVICE';
  if (/(link[\s_]?duplicate|active order with this link)/.test(m)) return 'DUPLICATE_LINK';
  if (/(incorrect order|order id|not found)/.test(m)) return 'NOT_FOUND';
  if (/(invalid action|action is invalid|not allowed|not available|disabled)/.test(m)) return 'NOT_ALLOWED';
  return 'REJECTED';
}
