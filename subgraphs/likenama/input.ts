import { userError, type UserError } from '../shared/errors.ts';
import { checkId, textUserErrors, type TextInput } from '../shared/validate.ts';
import type { CreateCampaignInput, SendMessageInput } from './__generated__/resolvers-types.ts';

/** Most characters of a support message (Likenama's own limit, counted in characters). */
export const MAX_MESSAGE_CHARS = 500;

// Bazaar SKUs seen: "lurline", "desiree.larson", "alene_considine"; never a path of its own.
const SKU = /^(?!\.+$)[A-Za-z0-9._-]{1,100}$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

const chars = (s: string) => [...s].length;
const blank = (s: string | null | undefined) => s === undefined || s === null || s.trim() === '';

function httpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export function checkSku(sku: string): UserError[] {
  return SKU.test(sku)
    ? []
    : [userError('INVALID_SKU', 'sku must be a Bazaar SKU: letters, digits, ".", "_" and "-"', ['sku'])];
}

export function checkRequired(value: string, field: string[]): UserError[] {
  return blank(value) ? [userError('REQUIRED', `${field.join('.')} must not be empty`, field)] : [];
}

/** Likenama's code for a free-text input with control or bidi override characters. */

/** Free-text problems, then the other checks' problems with fields not already refused for their characters. */
function withText(inputs: readonly TextInput[], others: UserError[]): UserError[] {
  const text = textUserErrors(inputs);
  const bad = new Set(text.map((e) => e.field!.join('.')));
  return [...text, ...others.filter((e) => !bad.has(e.field?.join('.') ?? ''))];
}

/** The free-text arguments of likeCampaign and purchaseBundle (tokens: one line). */
export function checkTokens(args: Record<string, string>): UserError[] {
  return textUserErrors(Object.entries(args).map(([name, value]) => [[name], value, 'line'] as TextInput));
}

export function checkCreateCampaign(input: CreateCampaignInput): UserError[] {
  return withText(
    [
      [['input', 'targetUrl'], input.targetUrl, 'line'],
      [['input', 'website'], input.website, 'line'],
      [['input', 'phone'], input.phone, 'line'],
      [['input', 'description'], input.description, 'multiline'],
      [['input', 'address'], input.address, 'multiline'],
    ],
    checkCampaignForm(input),
  );
}

function checkCampaignForm(input: CreateCampaignInput): UserError[] {
  const errors: UserError[] = [];
  const classId = ['input', 'campaignClassId'];
  if (blank(input.campaignClassId)) errors.push(userError('REQUIRED', 'Choose a campaign class', classId));
  else errors.push(...checkId(input.campaignClassId, classId));
  const url = ['input', 'targetUrl'];
  if (blank(input.targetUrl)) errors.push(userError('REQUIRED', 'targetUrl must not be empty', url));
  else if (!httpUrl(input.targetUrl.trim()))
    errors.push(userError('INVALID_URL', 'targetUrl must be an http(s) URL of an Instagram post', url));
  if (!Number.isSafeInteger(input.budget) || input.budget <= 0)
    errors.push(userError('INVALID_BUDGET', 'budget must be a positive whole number', ['input', 'budget']));
  if (!blank(input.website) && !httpUrl(input.website!.trim()))
    errors.push(userError('INVALID_URL', 'website must be an http(s) URL', ['input', 'website']));
  return errors;
}

export function checkMessage(input: SendMessageInput): UserError[] {
  return withText(
    [
      [['input', 'email'], input.email, 'line'],
      [['input', 'title'], input.title, 'line'],
      [['input', 'content'], input.content, 'multiline'],
    ],
    checkMessageForm(input),
  );
}

function checkMessageForm(input: SendMessageInput): UserError[] {
  const errors: UserError[] = [];
  const email = input.email.trim();
  if (email === '') errors.push(userError('REQUIRED', 'email must not be empty', ['input', 'email']));
  else if (email.length > 254 || !EMAIL.test(email))
    errors.push(userError('INVALID_EMAIL', 'email must be a valid e-mail address', ['input', 'email']));
  errors.push(...checkRequired(input.title, ['input', 'title']));
  if (blank(input.content)) errors.push(...checkRequired(input.content, ['input', 'content']));
  else if (chars(input.content) > MAX_MESSAGE_CHARS) {
    errors.push(
      userError(
        'CONTENT_TOO_LONG',
        `content is at most ${MAX_MESSAGE_CHARS} characters (got ${chars(input.content)})`,
        ['input', 'content'],
      ),
    );
  }
  return errors;
}
