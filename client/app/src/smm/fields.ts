import type { SmmAddOrderInput, SmmServiceType } from '../../../__generated__/graphql.ts';

export type OrderField = Exclude<keyof SmmAddOrderInput, 'service'>;

interface FieldSet {
  required: OrderField[];
  optional?: OrderField[];
}

/**
 * Which add-order fields each service type takes (the protocol reference; the same table the
 * SMM subgraph checks against, kept equal by test/client/fields.test.ts). A type the graph does
 * not know gets the common two, and the gateway's userErrors say if more is needed.
 */
export const SERVICE_FIELDS: Record<SmmServiceType, FieldSet> = {
  DEFAULT: { required: ['link', 'quantity'], optional: ['runs', 'interval'] },
  PACKAGE: { required: ['link'] },
  SEO: { required: ['link', 'quantity', 'keywords'] },
  CUSTOM_COMMENTS: { required: ['link', 'comments'] },
  CUSTOM_COMMENTS_PACKAGE: { required: ['link', 'comments'] },
  MENTIONS: { required: ['link', 'quantity', 'usernames'] },
  MENTIONS_WITH_HASHTAGS: { required: ['link', 'quantity', 'usernames', 'hashtags'] },
  MENTIONS_CUSTOM_LIST: { required: ['link', 'usernames'] },
  MENTIONS_HASHTAG: { required: ['link', 'quantity', 'hashtag'] },
  MENTIONS_USER_FOLLOWERS: { required: ['link', 'quantity', 'username'] },
  MENTIONS_MEDIA_LIKERS: { required: ['link', 'quantity', 'media'] },
  COMMENT_LIKES: { required: ['link', 'quantity', 'username'] },
  POLL: { required: ['link', 'quantity', 'answerNumber'] },
  COMMENT_REPLIES: { required: ['link', 'username', 'comments'] },
  INVITES_FROM_GROUPS: { required: ['link', 'quantity', 'groups'] },
  SUBSCRIPTIONS: { required: ['username', 'min', 'max'], optional: ['posts', 'oldPosts', 'delay', 'expiry'] },
  UNKNOWN: { required: [], optional: ['link', 'quantity'] },
};

type Kind = 'text' | 'int' | 'list' | 'date';

export const FIELD_INFO: Record<OrderField, { label: string; kind: Kind; hint?: string }> = {
  link: { label: 'Link', kind: 'text', hint: 'the page or post' },
  quantity: { label: 'Quantity', kind: 'int' },
  runs: { label: 'Runs', kind: 'int', hint: 'drip-feed: how many runs' },
  interval: { label: 'Interval (minutes)', kind: 'int', hint: 'drip-feed: minutes between runs' },
  comments: { label: 'Comments', kind: 'list', hint: 'one per line' },
  usernames: { label: 'Usernames', kind: 'list', hint: 'one per line' },
  hashtags: { label: 'Hashtags', kind: 'list', hint: 'one per line' },
  hashtag: { label: 'Hashtag', kind: 'text' },
  username: { label: 'Username', kind: 'text' },
  media: { label: 'Media URL', kind: 'text' },
  answerNumber: { label: 'Answer number', kind: 'int' },
  groups: { label: 'Groups', kind: 'list', hint: 'one per line' },
  keywords: { label: 'Keywords', kind: 'list', hint: 'one per line' },
  min: { label: 'Min per post', kind: 'int' },
  max: { label: 'Max per post', kind: 'int' },
  posts: { label: 'New posts', kind: 'int' },
  oldPosts: { label: 'Old posts', kind: 'int' },
  delay: { label: 'Delay (minutes)', kind: 'int' },
  expiry: { label: 'Expiry', kind: 'date', hint: 'YYYY-MM-DD' },
};

/** The fields the form shows for a service: drip-feed only where the service offers it. */
export function fieldsFor(service: { type: SmmServiceType; dripfeed?: boolean | null }): {
  field: OrderField;
  required: boolean;
}[] {
  const set = SERVICE_FIELDS[service.type];
  const optional = (set.optional ?? []).filter(
    (f) => !((f === 'runs' || f === 'interval') && service.dripfeed === false),
  );
  return [
    ...set.required.map((field) => ({ field, required: true })),
    ...optional.map((field) => ({ field, required: false })),
  ];
}

/**
 * The mutation input from the form's text values. Empty fields are left out (the gateway says
 * which are required); only what cannot be sent as typed at all is refused here.
 */
export function toInput(
  service: string,
  fields: readonly OrderField[],
  values: Partial<Record<OrderField, string>>,
): { input: SmmAddOrderInput; invalid: Partial<Record<OrderField, string>> } {
  const input: SmmAddOrderInput = { service };
  const invalid: Partial<Record<OrderField, string>> = {};
  const set = input as Record<OrderField, unknown>;
  for (const f of fields) {
    const raw = (values[f] ?? '').trim();
    if (raw === '') continue;
    const kind = FIELD_INFO[f].kind;
    if (kind === 'int') {
      if (/^-?\d+$/.test(raw)) set[f] = Number(raw);
      else invalid[f] = 'must be a whole number';
    } else if (kind === 'list') {
      set[f] = raw
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean);
    } else {
      set[f] = raw;
    }
  }
  return { input, invalid };
}
