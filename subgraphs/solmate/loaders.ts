import { recordBatch } from '../../lib/metrics.ts';
import { tracedBatch } from '../../lib/tracing.ts';
import DataLoader from 'dataloader';
import { ErrorCode, LayerError, notFound } from '../shared/errors.ts';
import {
  isNotFoundText,
  isRefusal,
  type AdOrderRecord,
  type AdOrderStatusRecord,
  type Refusal,
  type SolmateApi,
} from './client.ts';

/** Runs at most `n` tasks at a time; the rest wait in arrival order. */
export function limiter(n: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (active >= n) return;
    const start = queue.shift();
    if (start) {
      active++;
      start();
    }
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        // a task that throws before returning its promise must still free its slot
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}
export type Limiter = ReturnType<typeof limiter>;

/** A refusal on a read: not found when Solmate says so (or answers 404), otherwise its words as an error. */
export function readRefusalError(what: string, id: string, action: string, r: Refusal): LayerError {
  const upstream = { api: 'solmate' as const, action, status: r.httpStatus, message: r.refused };
  if (r.httpStatus === 404 || isNotFoundText(r.refused)) {
    return notFound(`Solmate does not know ${what} ${id}`, upstream);
  }
  return new LayerError(
    ErrorCode.UPSTREAM_BAD_RESPONSE,
    `Solmate refused to read ${what} ${id}: ${r.refused}`,
    upstream,
  );
}

// No batch endpoint: each id is its own GET. DataLoader de-duplicates within the request; the
// shared limiter bounds how many GETs (orders and statuses together) are in flight at once.
function perIdLoader<T>(
  what: string,
  action: string,
  run: Limiter,
  fetch: (id: string) => Promise<T | Refusal>,
): DataLoader<string, T> {
  return new DataLoader<string, T>(
    tracedBatch('solmate', action, (ids: readonly string[]) => {
      recordBatch('solmate', action, ids.length);
      return Promise.all(
        ids.map((id) =>
          run(() => fetch(id)).then(
            (r) => (isRefusal(r) ? readRefusalError(what, id, action, r) : r),
            (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
          ),
        ),
      );
    }),
  );
}

/** Per-request loaders; `api` is resolved lazily so fields that need no credentials never ask for them. */
export function createSolmateLoaders(api: () => SolmateApi, concurrency: number) {
  const run = limiter(concurrency);
  const orders = perIdLoader<AdOrderRecord>('order', 'getOrder', run, (id) => api().getOrder(id));
  const statuses = perIdLoader<AdOrderStatusRecord>('the status of order', 'getStatus', run, (id) =>
    api().getStatus(id),
  );
  return {
    orders,
    statuses,
    /** forgets what this request read about an order, after a write changed it */
    forget(id: string) {
      orders.clear(id);
      statuses.clear(id);
    },
  };
}
export type SolmateLoaders = ReturnType<typeof createSolmateLoaders>;
