import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHiveGateway } from '../../bench/hive.ts';
import { SUPERGRAPH_PATH } from '../../gateway/server.ts';
import type { Stack } from '../../stack/index.ts';
import type { RunningService } from '../../lib/listen.ts';
import { guardOutbound } from '../helpers/outbound.ts';
import { gql, startTestStack } from '../helpers/stack.ts';

// The committed supergraph is a standard Federation 2 supergraph: another router serves it
// unchanged (only the subgraph URLs are pointed at this test's free ports).
const guard = guardOutbound();
let stack: Stack;
let hive: RunningService;

beforeAll(async () => {
  stack = await startTestStack();
  hive = await startHiveGateway(stack, readFileSync(SUPERGRAPH_PATH, 'utf8'));
});
afterAll(async () => {
  await hive?.close();
  await stack?.close();
  guard.restore();
});

const ACROSS_ALL = /* GraphQL */ `
  query AcrossAll {
    smmProviders {
      id
      balance {
        amount
        currency
      }
    }
    smmOrders(provider: "sosyal", ids: ["23501", "23502"]) {
      id
      status
      charge
    }
    order(id: "102341285566") {
      id
      title
      network
      totalBudget
      status
    }
    matchIdStatus(matchId: "PAID_001") {
      matchId
      state
      active
    }
    likenamaViewer {
      username
      likeCredit
      coinCredit
    }
    adDistricts {
      value
      name
    }
  }
`;
const headers = { 'x-likenama-token': 'demo-phoebe-token' };

describe('Hive Gateway serving schema/supergraph.graphql', () => {
  it('answers a query across all four subgraphs exactly as our gateway does', async () => {
    const ours = await gql(stack.gatewayUrl, ACROSS_ALL, undefined, headers);
    const theirs = await gql(hive.url, ACROSS_ALL, undefined, headers);
    expect(ours.errors).toBeUndefined();
    expect(theirs.errors).toBeUndefined();
    expect(Object.keys(theirs.data!)).toHaveLength(6);
    expect(theirs.data).toEqual(ours.data);
  });

  it('passes upstream errors through with their codes', async () => {
    const r = await gql<{ smmOrders: unknown[] }>(
      hive.url,
      `{ smmOrders(provider: "sosyal", ids: ["23501", "7"]) { id } }`,
    );
    expect(r.data!.smmOrders[1]).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reaches nothing off this machine', () => {
    expect(guard.offMachine()).toEqual([]);
  });
});
