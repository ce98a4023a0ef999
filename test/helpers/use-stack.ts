import { print, type DocumentNode } from 'graphql';
import { afterAll, beforeAll } from 'vitest';
import { serverDocument } from '../../gateway/trusted.ts';
import type { Stack, StackOptions } from '../../stack/index.ts';
import type { StackPart } from '../../stack/part.ts';
import { gql, startTestStack, type GqlResult } from './stack.ts';

/** The shape of codegen's typed documents (TypedDocumentNode), so their result type flows here. */
type TypedDocument<R, V> = DocumentNode & { __apiType?: (variables: V) => R };

export interface StackHandle {
  /** the running stack (throws when read before beforeAll has run) */
  readonly stack: Stack;
  /**
   * Sends one of the generated client documents (client/__generated__) through the gateway: the
   * payload's type is the document's, not one written again by hand.
   */
  query<R, V extends Record<string, unknown>>(
    doc: TypedDocument<R, V>,
    variables?: V,
    headers?: Record<string, string>,
  ): Promise<GqlResult<R>>;
  /** the same with a query written inline, for what no app document covers */
  send<R = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GqlResult<R>>;
}

type UseStackOptions = Omit<StackOptions, 'parts'>;

/**
 * Starts a stack of `parts` (every registered API when omitted) for the enclosing describe block:
 * started in beforeAll, closed in afterAll. Emulators stand in unless `forceEmulators: false`
 * lets the environment name an upstream. Options given as a function are read when the stack
 * starts, after the hooks registered before this call have run (a Redis started in an earlier
 * beforeAll, say).
 */
export function useStack(
  parts?: StackPart<string>[],
  options: UseStackOptions | (() => UseStackOptions) = {},
): StackHandle {
  let running: Stack | undefined;
  beforeAll(async () => {
    const opts = typeof options === 'function' ? options() : options;
    running = await startTestStack({ ...opts, ...(parts ? { parts } : {}) });
  });
  afterAll(() => running?.close());
  const stack = (): Stack => {
    if (!running) throw new Error('useStack: the stack is read before beforeAll started it');
    return running;
  };
  return {
    get stack() {
      return stack();
    },
    // without the client-only directives (@unmask), as Apollo Client sends it
    query: (doc, variables, headers) =>
      gql(stack().gatewayUrl, print(serverDocument(doc)), variables, headers),
    send: (query, variables, headers) => gql(stack().gatewayUrl, query, variables, headers),
  };
}
