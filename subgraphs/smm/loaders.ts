import { recordBatch } from '../../lib/metrics.ts';
import { tracedBatch } from '../../lib/tracing.ts';
import DataLoader from 'dataloader';
import { notFound } from '../shared/errors.ts';
import {
  isRefusal,
  MAX_IDS_PER_CALL,
  type PanelRefusal,
  type SmmApi,
  type SmmOrderRecord,
  type SmmRefillRecord,
} from './client.ts';

// Runs the batch after I/O callbacks rather than at the end of the current microtask queue, so
// loads issued after an `await` in a resolver still join the same comma-joined call.
const batchScheduleFn = (run: () => void) => setImmediate(run);

function perIdLoader<T extends object>(
  api: SmmApi,
  what: 'order' | 'refill',
  fetch: (ids: readonly string[]) => Promise<Map<string, T | PanelRefusal>>,
): DataLoader<string, T> {
  return new DataLoader<string, T>(
    tracedBatch('smm', what === 'order' ? 'status' : 'refill_status', async (ids: readonly string[]) => {
      recordBatch('smm', what === 'order' ? 'status' : 'refill_status', ids.length);
      const found = await fetch(ids);
      return ids.map((id) => {
        const rec = found.get(id);
        if (rec === undefined || isRefusal(rec)) {
          const upstreamWords = rec && isRefusal(rec) ? rec.refused : undefined;
          return notFound(`SMM provider ${api.provider.id} does not know ${what} ${id}`, {
            api: 'smm',
            provider: api.provider.id,
            action: what === 'order' ? 'status' : 'refill_status',
            message: upstreamWords,
          });
        }
        return rec;
      });
    }),
    { maxBatchSize: MAX_IDS_PER_CALL, batchScheduleFn },
  );
}

/** Per-request loaders, one per provider and lookup: de-duplicate and batch ids (≤100 per call). */
export function createSmmLoaders(apiFor: (provider: string) => SmmApi) {
  const orders = new Map<string, DataLoader<string, SmmOrderRecord>>();
  const refills = new Map<string, DataLoader<string, SmmRefillRecord>>();
  const memo = <T>(m: Map<string, T>, key: string, make: () => T): T => {
    let v = m.get(key);
    if (!v) m.set(key, (v = make()));
    return v;
  };
  return {
    orders: (provider: string) =>
      memo(orders, provider, () => {
        const api = apiFor(provider);
        return perIdLoader(api, 'order', (ids) => api.orderStatuses(ids));
      }),
    refills: (provider: string) =>
      memo(refills, provider, () => {
        const api = apiFor(provider);
        return perIdLoader(api, 'refill', (ids) => api.refillStatuses(ids));
      }),
  };
}
export type SmmLoaders = ReturnType<typeof createSmmLoaders>;
