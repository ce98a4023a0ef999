import { Decimal } from 'decimal.js';
import { userError, type UserError } from '../shared/errors.ts';
import { textUserErrors } from '../shared/validate.ts';
import { isNotFoundText, type Refusal, type WireBody } from './client.ts';
import type { DistrictsKey } from './config.ts';
import { districtName } from './districts.ts';
import type { AdDistrict, CreateOrderInput, UpdateOrderInput } from './__generated__/resolvers-types.ts';

export type InputCheck = { ok: true; body: WireBody } | { ok: false; userErrors: UserError[] };

const MAX_URL = 2048;
const MAX_TITLE = 500;

const path = (f: string) => ['input', f];

export function isHttpUrl(s: string): boolean {
  if (s.length > MAX_URL || /\s/.test(s)) return false;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

type Fields = Partial<CreateOrderInput & UpdateOrderInput>;

/** Collects every problem of the fields both inputs share, each at its input path. */
function checkCommon(input: Fields, required: ReadonlyArray<keyof Fields>, errors: UserError[]): void {
  const textErrors = textUserErrors([
    [path('title'), input.title, 'line'],
    [path('materialUrl'), input.materialUrl, 'line'],
    [path('clickUrl'), input.clickUrl, 'line'],
  ]);
  errors.push(...textErrors);
  // a field refused for its characters is not also refused as a URL
  const badText = new Set(textErrors.map((e) => e.field![1]));
  for (const f of required) {
    const v = input[f];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      errors.push(userError('REQUIRED', `${f} is required`, path(f)));
    }
  }
  for (const f of ['network', 'model', 'gender'] as const) {
    if (input[f] === 'UNKNOWN') {
      errors.push(userError('INVALID', `${f} UNKNOWN is only used when reading orders`, path(f)));
    }
  }
  if (input.title != null && input.title.length > MAX_TITLE) {
    errors.push(userError('INVALID', `title takes at most ${MAX_TITLE} characters`, path('title')));
  }
  const budgets: Partial<Record<'totalBudget' | 'dailyBudget', Decimal>> = {};
  for (const f of ['totalBudget', 'dailyBudget'] as const) {
    const v = input[f];
    if (v == null) continue;
    const d = new Decimal(v);
    if (d.lte(0)) errors.push(userError('INVALID', `${f} must be larger than 0`, path(f)));
    else budgets[f] = d;
  }
  if (budgets.totalBudget && budgets.dailyBudget && budgets.dailyBudget.gt(budgets.totalBudget)) {
    errors.push(userError('INVALID', 'dailyBudget must not be above totalBudget', path('dailyBudget')));
  }
  for (const f of ['materialUrl', 'clickUrl'] as const) {
    const v = input[f];
    if (v != null && v.trim() !== '' && !badText.has(f) && !isHttpUrl(v)) {
      errors.push(userError('INVALID', `${f} must be an http(s) URL`, path(f)));
    }
  }
  if (input.displayTime != null && input.displayTime < 1) {
    errors.push(
      userError('INVALID', 'displayTime must be a positive whole number of seconds', path('displayTime')),
    );
  }
}

/** Solmate's names, once each, in the order given. */
const districtNames = (ds: readonly AdDistrict[]): string[] => [
  ...new Set(ds.map((d) => districtName(d)).filter((n): n is string => n !== undefined)),
];

function optionalFields(
  input: Fields,
  body: WireBody,
  districtsKey: DistrictsKey,
  omitMissing: boolean,
): void {
  if (input.displayTime != null) body.display_time = String(input.displayTime);
  if (!omitMissing || 'gender' in input) body.gender = input.gender ?? '';
  if (!omitMissing || ('districts' in input && input.districts !== undefined)) {
    body[districtsKey] = districtNames(input.districts ?? []);
  }
}

/** Checks a new order and builds its body in the seed's dialect (upper-case values, string budgets). */
export function checkCreate(input: CreateOrderInput): InputCheck {
  const errors: UserError[] = [];
  checkCommon(
    input,
    ['title', 'network', 'model', 'totalBudget', 'dailyBudget', 'materialUrl', 'clickUrl'],
    errors,
  );
  if (errors.length > 0) return { ok: false, userErrors: errors };
  const body: WireBody = {
    title: input.title!,
    network: input.network!,
    model: input.model!,
    total_budget: input.totalBudget!,
    daily_budget: input.dailyBudget!,
    material_url: input.materialUrl!,
    click_url: input.clickUrl!,
  };
  optionalFields(input, body, 'districts', false);
  return { ok: true, body };
}

/** Checks a change set; fields left out are not sent (an explicit null gender means no limit). */
export function checkUpdate(input: UpdateOrderInput, districtsKey: DistrictsKey): InputCheck {
  const errors: UserError[] = [];
  checkCommon(input, ['totalBudget', 'dailyBudget', 'materialUrl', 'clickUrl'], errors);
  if ('model' in input && input.model === null) {
    errors.push(userError('INVALID', 'model cannot be cleared; leave it out to keep it', path('model')));
  }
  if ('districts' in input && input.districts === null) {
    errors.push(
      userError(
        'INVALID',
        'districts: send [] for no limit, or leave it out to keep them',
        path('districts'),
      ),
    );
  }
  if (errors.length > 0) return { ok: false, userErrors: errors };
  const body: WireBody = {
    total_budget: input.totalBudget!,
    daily_budget: input.dailyBudget!,
    material_url: input.materialUrl!,
    click_url: input.clickUrl!,
  };
  if (input.model != null) body.model = input.model;
  optionalFields(input, body, districtsKey, true);
  return { ok: true, body };
}

const INPUT_FIELD: Record<string, string> = {
  title: 'title',
  network: 'network',
  model: 'model',
  total_budget: 'totalBudget',
  daily_budget: 'dailyBudget',
  material_url: 'materialUrl',
  click_url: 'clickUrl',
  display_time: 'displayTime',
  gender: 'gender',
  districts: 'districts',
  district: 'districts',
};

/** Solmate's refusal of a write as a userError, in its own words, with a code and (when named) the field. */
export function refusalUserError(r: Refusal, hasId: boolean): UserError {
  if (r.httpStatus === 404 || isNotFoundText(r.refused)) {
    return userError('NOT_FOUND', r.refused, hasId ? ['id'] : null);
  }
  if (/(can['’]?t|cannot|can not)\s+be\s+changed/i.test(r.refused)) {
    return userError('STATUS_CANNOT_CHANGE', r.refused, hasId ? ['id'] : null);
  }
  const named = /^\s*([a-z_]+)\b/i.exec(r.refused)?.[1]?.toLowerCase();
  const field = named !== undefined ? INPUT_FIELD[named] : undefined;
  return userError('REJECTED', r.refused, field ? path(field) : null);
}
