import { describe, expect, it } from 'vitest';
import { StoreCache } from '../../subgraphs/shared/cache.ts';
import { MemoryStore } from '../../subgraphs/shared/store.ts';
import { metricsRegistry, recordBatch, registerCache } from '../../lib/metrics.ts';
import { metricValue } from './helpers.ts';

const scrape = () => metricsRegistry.metrics();

describe('recordBatch', () => {
  it('observes batch sizes by api and action', async () => {
    recordBatch('smm', 'status', 3);
    recordBatch('smm', 'status', 100);
    const text = await scrape();
    expect(metricValue(text, 'dataloader_batch_size_count', { api: 'smm', action: 'status' })).toBe(2);
    expect(metricValue(text, 'dataloader_batch_size_sum', { api: 'smm', action: 'status' })).toBe(103);
    expect(metricValue(text, 'dataloader_batch_size_bucket', { le: '5', api: 'smm', action: 'status' })).toBe(
      1,
    );
  });
});

describe('registerCache', () => {
  it("exposes a cache's hits and misses as counters that only move forward", async () => {
    const cache = new StoreCache<string>(new MemoryStore(), 'test');
    registerCache('test_cache', cache);
    await cache.getOrLoad('a', 60_000, async () => 'A');
    await cache.getOrLoad('a', 60_000, async () => 'A');
    await cache.getOrLoad('a', 60_000, async () => 'A');
    await cache.getOrLoad('b', 60_000, async () => 'B');
    let text = await scrape();
    expect(metricValue(text, 'cache_hits_total', { cache: 'test_cache' })).toBe(2);
    expect(metricValue(text, 'cache_misses_total', { cache: 'test_cache' })).toBe(2);
    await cache.getOrLoad('b', 60_000, async () => 'B');
    text = await scrape();
    expect(metricValue(text, 'cache_hits_total', { cache: 'test_cache' })).toBe(3);
    expect(metricValue(text, 'cache_misses_total', { cache: 'test_cache' })).toBe(2);
  });
});
