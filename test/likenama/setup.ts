import { beforeEach } from 'vitest';
import type { LikenamaEmulator } from '../../emulators/likenama/index.ts';
import { likenamaPart } from '../../stack/parts/likenama.ts';
import { resetBreakers } from '../../subgraphs/shared/breaker.ts';
import type { Stack } from '../../stack/index.ts';
import type { GqlResult } from '../helpers/stack.ts';
import { useStack, type StackHandle } from '../helpers/use-stack.ts';

export interface LikenamaHarness {
  readonly stack: Stack;
  readonly emu: LikenamaEmulator;
  /** a generated client document through the gateway, as the user of `token` */
  query: StackHandle['query'];
  /** GraphQL through the gateway as the user of `token` (no header when undefined) */
  q<T = Record<string, unknown>>(
    query: string,
    token: string | undefined,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult<T>>;
}

/** Starts the gateway with only the Likenama subgraph and its emulator; resets both per test. */
export function useLikenamaStack(): LikenamaHarness {
  const s = useStack([likenamaPart]);
  const h: LikenamaHarness = {
    get stack() {
      return s.stack;
    },
    get emu() {
      return s.stack.emulators.likenama as LikenamaEmulator;
    },
    query: s.query,
    q: (query, token, variables) => s.send(query, variables, asUser(token)),
  };
  // fault tests fail calls on purpose: each test starts with Likenama's circuit closed again
  beforeEach(() => {
    h.emu.reset();
    resetBreakers();
  });
  return h;
}

/** The header that makes a request the user's of `token` (none when undefined). */
export const asUser = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { 'x-likenama-token': token };
