import { afterAll, describe, expect, it } from 'vitest';
import { SmmProvidersDocument } from '../../client/__generated__/graphql.ts';
import { deferredFiles } from '../../lib/deferred-require.ts';
import { guardOutbound } from '../helpers/outbound.ts';
import { useStack } from '../helpers/use-stack.ts';

const guard = guardOutbound();
// registered before useStack: after-hooks run in reverse, so the guard outlives the stack's close
afterAll(() => guard.restore());
const h = useStack();

describe('the layer calls nothing but its own upstreams', () => {
  it('opens connections to loopback only (no telemetry, no cloud metadata probes)', async () => {
    const r = await h.query(SmmProvidersDocument);
    expect(r.errors).toBeUndefined();
    // give background work started by the gateway's constructor a moment to show itself
    await new Promise((res) => setTimeout(res, 500));
    expect(guard.targets.length).toBeGreaterThan(0);
    expect(guard.offMachine()).toEqual([]);
  });

  it('leaves the usage report and Studio trace code it turns off unloaded', async () => {
    const r = await h.query(SmmProvidersDocument);
    expect(r.errors).toBeUndefined();
    // gateway/unused-modules.ts and subgraphs/shared/jit-unused.ts: fails when one is loaded
    // before the stand-ins are in place, or when an upgrade of @apollo/gateway or graphql-jit
    // starts using one (the memory is then spent after all)
    const deferred = [...deferredFiles];
    const files = deferred.map(([file]) => file).join('\n');
    expect(files).toMatch(/sdk-metrics/);
    expect(files).toMatch(/fast-json-stringify/);
    expect(deferred).toHaveLength(8);
    expect(deferred.filter(([, state]) => state.loaded)).toEqual([]);
  });
});
