import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../stack/index.ts';
import { guardOutbound } from '../helpers/outbound.ts';
import { gql, startTestStack } from '../helpers/stack.ts';

const guard = guardOutbound();
let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack.close();
  guard.restore();
});

describe('the layer calls nothing but its own upstreams', () => {
  it('opens connections to loopback only (no telemetry, no cloud metadata probes)', async () => {
    const r = await gql(stack.gatewayUrl, '{ smmProviders { id balance { amount } } }');
    expect(r.errors).toBeUndefined();
    // give background work started by the gateway's constructor a moment to show itself
    await new Promise((res) => setTimeout(res, 500));
    expect(guard.targets.length).toBeGreaterThan(0);
    expect(guard.offMachine()).toEqual([]);
  });
});
