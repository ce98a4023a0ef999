import { tracedBatch } from '../../lib/tracing.ts';
import DataLoader from 'dataloader';
import { notFound } from '../shared/errors.ts';
import type {
  BundleRecord,
  CampaignClassRecord,
  CampaignRecord,
  LikenamaApi,
  LikenamaUserRecord,
  NextCampaignRecord,
  ProductRecord,
} from './client.ts';

/** One upstream read per request, however many fields or aliases ask for it. */
function once<T>(load: () => Promise<T>) {
  let pending: Promise<T> | undefined;
  // a refusal before any call (no token) rejects like a failed call, so sibling fields still run
  const get = () => (pending ??= Promise.resolve().then(load));
  return Object.assign(get, {
    clear: () => {
      pending = undefined;
    },
  });
}

/**
 * Per-request loaders over one user's API. `api` is asked lazily, so a request without a
 * token fails each Likenama field it touches (UNAUTHENTICATED) without any upstream call.
 */
export function createLikenamaLoaders(api: () => LikenamaApi) {
  const campaigns = once<CampaignRecord[]>(() => api().campaigns());
  const loaders = {
    campaigns,
    campaignClasses: once<CampaignClassRecord[]>(() => api().campaignClasses()),
    nextCampaign: once<NextCampaignRecord | null>(() => api().nextCampaign()),
    viewer: once<LikenamaUserRecord>(() => api().self()),
    products: once<ProductRecord[]>(() => api().products()),
    bundles: once<BundleRecord[]>(() => api().bundles()),
    /** Likenama has no read-one endpoint: a campaign is found in the caller's (memoised) list. */
    campaign: new DataLoader<string, CampaignRecord>(
      tracedBatch('likenama', 'campaign', async (ids: readonly string[]) => {
        const byId = new Map((await campaigns()).map((c) => [c.id, c]));
        return ids.map(
          (id) =>
            byId.get(id) ??
            notFound(`Likenama has no campaign ${id} among this user's campaigns`, {
              api: 'likenama',
              action: 'campaigns',
            }),
        );
      }),
    ),
    /** After a write, what this request reads next must be read again. */
    clear() {
      for (const l of [
        loaders.campaigns,
        loaders.campaignClasses,
        loaders.nextCampaign,
        loaders.viewer,
        loaders.products,
        loaders.bundles,
      ])
        l.clear();
      loaders.campaign.clearAll();
    },
  };
  return loaders;
}
export type LikenamaLoaders = ReturnType<typeof createLikenamaLoaders>;
