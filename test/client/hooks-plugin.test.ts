import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { plugin } from '../../client/codegen/hooks-plugin.mjs';

const run = (source: string) =>
  plugin(null, [{ location: '/repo/client/operations/x.graphql', document: parse(source) }], {});

describe('the hooks codegen plugin', () => {
  it('wraps each operation in a named Apollo Client 4 hook bound to its typed document', () => {
    const out = run(/* GraphQL */ `
      query Needs($id: ID!) {
        smmOrder(provider: "p", id: $id) {
          id
        }
      }
      query Optional($id: ID = "1") {
        smmOrder(provider: "p", id: $id) {
          id
        }
      }
      mutation Change($id: ID!) {
        smmCancel(provider: "p", orderIds: [$id]) {
          results {
            orderId
          }
        }
      }
    `);
    expect(out).toContain(
      "import { useLazyQuery, useMutation, useQuery, useSuspenseQuery, type SkipToken } from '@apollo/client/react';",
    );
    // no `.ts` extension: a stock tsconfig (no allowImportingTsExtensions) must accept the import
    expect(out).toContain("export * from './graphql';");
    // required variables make the options argument required
    expect(out).toContain(
      '  options: useQuery.Options<Operations.NeedsQuery, Operations.NeedsQueryVariables> | SkipToken,',
    );
    expect(out).toContain(
      '  options?: useQuery.Options<Operations.OptionalQuery, Operations.OptionalQueryVariables> | SkipToken,',
    );
    expect(out).toContain('  return useQuery(Operations.NeedsDocument, options);');
    expect(out).toContain('export function useNeedsLazyQuery(');
    expect(out).toContain(
      'export function useNeedsSuspenseQuery(options: useSuspenseQuery.Options<Operations.NeedsQueryVariables> | SkipToken) {',
    );
    expect(out).toContain('  return useSuspenseQuery(Operations.NeedsDocument, options);');
    expect(out).toContain(
      'export function useChangeMutation(options?: useMutation.Options<Operations.ChangeMutation, Operations.ChangeMutationVariables>) {',
    );
    expect(out).toContain('/** `mutation Change` from client/operations/x.graphql. */');
  });

  it('refuses an operation whose name would not match the generated type names', () => {
    expect(() => run('query { smmProviders { id } }')).toThrow(
      'hooks-plugin: operation (anonymous) in client/operations/x.graphql needs a PascalCase name',
    );
    expect(() => run('query orders { smmProviders { id } }')).toThrow(
      /operation orders .* needs a PascalCase name/,
    );
  });
});
