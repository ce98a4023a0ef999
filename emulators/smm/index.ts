import { createSmmEmulator, type PanelConfig, type PanelService } from './api.ts';

export { createSmmEmulator, Panel, type PanelConfig, type Quirk, type SmmEmulator } from './api.ts';

const svc = (
  service: number,
  name: string,
  type: string,
  rate: string,
  min: number,
  max: number,
  refill: boolean,
  cancel: boolean,
  extra: Partial<PanelService> = {},
): PanelService => ({
  service,
  name,
  type,
  category: extra.category ?? 'Instagram',
  rate,
  min,
  max,
  refill,
  cancel,
  ...extra,
});

/** One service of every type of the protocol, so every add-order form can be tried. */
const catalogue = (scale: (rate: string) => string): PanelService[] => [
  svc(1, 'Followers', 'Default', scale('0.90'), 50, 10000, true, true, {
    category: 'First Category',
    dripfeed: true,
  }),
  svc(2, 'Comments', 'Custom Comments', scale('8'), 10, 1500, false, true, { category: 'Second Category' }),
  svc(3, 'Starter Package', 'Package', scale('12.5'), 1, 1, false, false),
  svc(4, 'Website Traffic SEO', 'SEO', scale('1.2'), 100, 100000, false, true, { category: 'Traffic' }),
  svc(5, 'Mentions', 'Mentions', scale('3.4'), 100, 50000, false, false),
  svc(6, 'Mentions with Hashtags', 'Mentions with Hashtags', scale('3.9'), 100, 50000, false, false),
  svc(7, 'Mentions Custom List', 'Mentions Custom List', scale('4.1'), 10, 5000, false, false),
  svc(8, 'Mentions Hashtag', 'Mentions Hashtag', scale('3.6'), 100, 50000, false, false),
  svc(9, 'Mentions User Followers', 'Mentions User Followers', scale('3.8'), 100, 50000, false, false),
  svc(10, 'Mentions Media Likers', 'Mentions Media Likers', scale('3.8'), 100, 50000, false, false),
  svc(11, 'Comment Likes', 'Comment Likes', scale('2.2'), 20, 10000, true, false),
  svc(12, 'Poll Votes', 'Poll', scale('1.5'), 100, 20000, false, true, { category: 'Twitter' }),
  svc(13, 'Comment Replies', 'Comment Replies', scale('9'), 1, 1, false, false),
  svc(14, 'Group Invites', 'Invites from Groups', scale('5'), 100, 10000, false, false, {
    category: 'Telegram',
  }),
  svc(15, 'Auto Likes (subscription)', 'Subscriptions', scale('1.1'), 50, 5000, false, true),
  svc(16, 'Comments Package', 'Custom Comments Package', scale('20'), 1, 10, false, false),
];

const seedOrders = [
  { service: 1, quantity: 1000, ageMs: 10 * 60_000 }, // completed
  { service: 1, quantity: 500, ageMs: 10 * 60_000 }, // completed
  { service: 2, quantity: 20, ageMs: 0 }, // pending
  { service: 4, quantity: 1000, ageMs: 0 },
  { service: 1, quantity: 5000, ageMs: 10 * 60_000 }, // partial when its id is a multiple of 5
];

/**
 * The two demo panels of `npm start`: a Turkish panel speaking the standard form-encoded
 * dialect in USD (seed 002), and a Vietnamese one speaking JSON in VND with the variations
 * real panels were seen to have (seed 004).
 */
export const DEMO_PANELS: PanelConfig[] = [
  {
    id: 'sosyal',
    key: 'demo-sosyal-key',
    currency: 'USD',
    balance: '100.84292',
    chargeScale: 5,
    firstOrderId: 23501,
    services: catalogue((r) => r),
    quirks: [],
    seedOrders,
  },
  {
    id: 'baostar',
    key: 'demo-baostar-key',
    currency: 'VND',
    balance: '343423.1234567',
    chargeScale: 7,
    firstOrderId: 99999,
    services: catalogue((r) => String(Number(r) * 250)).map((s) => ({
      ...s,
      category: 'Facebook',
      desc: `${s.name} (VN)`,
    })),
    quirks: [
      'jsonOnly',
      'numbers',
      'startCounter',
      'lowercaseStatus',
      'omitUnknown',
      'topLevelErrorWhenAllBad',
      'orderAsString',
      'httpStatusErrors',
      'noContentType',
    ],
    seedOrders,
  },
];

export const createDemoSmmEmulator = (opts: { stageMs?: number; latencyMs?: number } = {}) =>
  createSmmEmulator(DEMO_PANELS, opts);
