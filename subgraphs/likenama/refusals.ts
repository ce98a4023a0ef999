import { userError, type UserError } from '../shared/errors.ts';
import type { Refusal } from './client.ts';
import { messageCode } from './words.ts';

export type LikenamaWrite =
  'createCampaign' | 'likeCampaign' | 'reportCampaign' | 'purchaseProduct' | 'purchaseBundle' | 'sendMessage';

/**
 * Likenama's field names → the GraphQL input path. `base`, the array form and any field the
 * mutation has no input for (`coin_credit`) have no path: null.
 */
const INPUT_PATHS: Record<LikenamaWrite, Record<string, string[]>> = {
  createCampaign: {
    campaign_class_id: ['input', 'campaignClassId'],
    target_url: ['input', 'targetUrl'],
    budget: ['input', 'budget'],
    description: ['input', 'description'],
    phone: ['input', 'phone'],
    website: ['input', 'website'],
    address: ['input', 'address'],
  },
  likeCampaign: {
    access_token: ['instagramAccessToken'],
    instagram_access_token: ['instagramAccessToken'],
  },
  reportCampaign: {},
  purchaseProduct: {},
  purchaseBundle: { purchase_token: ['purchaseToken'] },
  sendMessage: { email: ['input', 'email'], title: ['input', 'title'], content: ['input', 'content'] },
};

/** What a 404 means for each write (the docs: class not available, out of stock). */
const NOT_FOUND_CODE: Record<LikenamaWrite, string> = {
  createCampaign: 'NOT_FOUND',
  likeCampaign: 'NOT_FOUND',
  reportCampaign: 'NOT_FOUND',
  purchaseProduct: 'OUT_OF_STOCK',
  purchaseBundle: 'NOT_FOUND',
  sendMessage: 'NOT_FOUND',
};

/** Likenama's refusal of a write as userErrors: its messages unchanged, a code, the input path. */
export function refusalErrors(write: LikenamaWrite, r: Refusal): UserError[] {
  return r.errors.map((e) => {
    const field = e.field === null ? null : (INPUT_PATHS[write][e.field] ?? null);
    let code = messageCode(e.message);
    if (r.status === 404) code = NOT_FOUND_CODE[write];
    // only the like endpoint's Instagram 401 comes back as a refusal (see the client)
    else if (r.status === 401) code = 'INSTAGRAM_TOKEN_INVALID';
    return userError(code, e.message, field);
  });
}
