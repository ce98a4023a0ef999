import { idempotent } from '../../shared/idempotency.ts';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { isRefusal } from '../client.ts';
import { refusalErrors } from '../refusals.ts';
import { checkId } from '../../shared/validate.ts';
import { checkCreateCampaign, checkMessage, checkRequired, checkSku, checkTokens } from '../input.ts';

// Every write below is sent once (the client never retries a write) and, when it went through,
// forgets what this request had read, since credits, campaigns and stock may have changed.
export const Mutation: MutationResolvers = {
  createCampaign: async (_p, { input, idempotencyKey }, ctx) => {
    const api = ctx.api();
    const userErrors = checkCreateCampaign(input);
    if (userErrors.length) return { created: false, userErrors };
    return idempotent(ctx.idempotency, ctx.tenant(), idempotencyKey, { createCampaign: input }, async () => {
      const r = await api.createCampaign({
        ...input,
        campaignClassId: input.campaignClassId.trim(),
        targetUrl: input.targetUrl.trim(),
      });
      if (isRefusal(r)) return { created: false, userErrors: refusalErrors('createCampaign', r) };
      ctx.loaders.clear();
      return { created: true, userErrors: [] };
    });
  },

  likeCampaign: async (_p, { id, instagramAccessToken }, ctx) => {
    const api = ctx.api();
    const tokenText = checkTokens({ instagramAccessToken });
    const userErrors = [
      ...checkId(id, ['id']),
      ...(tokenText.length > 0 ? tokenText : checkRequired(instagramAccessToken, ['instagramAccessToken'])),
    ];
    if (userErrors.length) return { user: null, userErrors };
    const r = await api.likeCampaign(id, instagramAccessToken);
    if (isRefusal(r)) return { user: null, userErrors: refusalErrors('likeCampaign', r) };
    ctx.loaders.clear();
    // the like happened: a failed read of the account must not make it look as if it had not
    return { user: r.user ?? (await ctx.loaders.viewer().catch(() => null)), userErrors: [] };
  },

  reportCampaign: async (_p, { id }, ctx) => {
    const api = ctx.api();
    const userErrors = checkId(id, ['id']);
    if (userErrors.length) return { alreadyReported: null, userErrors };
    const r = await api.reportCampaign(id);
    if (isRefusal(r)) return { alreadyReported: null, userErrors: refusalErrors('reportCampaign', r) };
    ctx.loaders.clear();
    return { alreadyReported: r.alreadyReported, userErrors: [] };
  },

  purchaseProduct: async (_p, { id, idempotencyKey }, ctx) => {
    const api = ctx.api();
    const userErrors = checkId(id, ['id']);
    if (userErrors.length) return { code: null, product: null, userErrors };
    return idempotent(ctx.idempotency, ctx.tenant(), idempotencyKey, { purchaseProduct: id }, async () => {
      const r = await api.purchaseProduct(id);
      if (isRefusal(r)) return { code: null, product: null, userErrors: refusalErrors('purchaseProduct', r) };
      ctx.loaders.clear();
      return { code: r.code, product: r.product, userErrors: [] };
    });
  },

  purchaseBundle: async (_p, { sku, purchaseToken, idempotencyKey }, ctx) => {
    const api = ctx.api();
    const tokenText = checkTokens({ purchaseToken });
    const userErrors = [
      ...checkSku(sku),
      ...(tokenText.length > 0 ? tokenText : checkRequired(purchaseToken, ['purchaseToken'])),
    ];
    if (userErrors.length) return { purchased: false, userErrors };
    const input = { purchaseBundle: sku, purchaseToken };
    return idempotent(ctx.idempotency, ctx.tenant(), idempotencyKey, input, async () => {
      const r = await api.purchaseBundle(sku, purchaseToken);
      if (isRefusal(r)) return { purchased: false, userErrors: refusalErrors('purchaseBundle', r) };
      ctx.loaders.clear();
      return { purchased: true, userErrors: [] };
    });
  },

  sendMessage: async (_p, { input }, ctx) => {
    const api = ctx.api();
    const userErrors = checkMessage(input);
    if (userErrors.length) return { sent: false, userErrors };
    const r = await api.sendMessage({ ...input, email: input.email.trim() });
    if (isRefusal(r)) return { sent: false, userErrors: refusalErrors('sendMessage', r) };
    return { sent: true, userErrors: [] };
  },
};
