import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { LikenamaEmulator } from '../../emulators/likenama/index.ts';
import { likenamaPart } from '../../stack/parts/likenama.ts';
import { resetBreakers } from '../../subgraphs/shared/breaker.ts';
import type { Stack } from '../../stack/index.ts';
import { gql, startTestStack, type GqlResult } from '../helpers/stack.ts';

export interface LikenamaHarness {
  stack: Stack;
  emu: LikenamaEmulator;
  /** GraphQL through the gateway as the user of `token` (no header when undefined) */
  q<T = Record<string, unknown>>(
    query: string,
    token: string | undefined,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult<T>>;
}

/** Starts the gateway with only the Likenama subgraph and its emulator; resets both per test. */
export function useLikenamaStack(): LikenamaHarness {
  const h = {} as LikenamaHarness;
  beforeAll(async () => {
    h.stack = await startTestStack({ parts: [likenamaPart] });
    h.emu = h.stack.emulators.likenama as LikenamaEmulator;
    h.q = (query, token, variables) =>
      gql(h.stack.gatewayUrl, query, variables, token === undefined ? {} : { 'x-likenama-token': token });
  });
  afterAll(() => h.stack?.close());
  // fault tests fail calls on purpose: each test starts with Likenama's circuit closed again
  beforeEach(() => {
    h.emu.reset();
    resetBreakers();
  });
  return h;
}
