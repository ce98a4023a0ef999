import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const onDisk = (path: string) => {
  const url = new URL(path, root);
  return existsSync(url) ? readFileSync(url, 'utf8') : undefined;
};

describe('the generated hooks', () => {
  it('names one hook per operation, in the Apollo Client 4 style', () => {
    const hooks = onDisk('client/__generated__/hooks.ts') ?? '';
    const names = [...hooks.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
    expect(names).toEqual(
      expect.arrayContaining([
        'useSmmProvidersQuery',
        'useSmmServicesQuery',
        'useSmmOrdersQuery',
        'useSmmOrdersLazyQuery',
        'useSmmAddOrderMutation',
        'useSmmRefillMutation',
        'useSmmCancelMutation',
        'useAdDistrictsQuery',
        'useCreateOrderMutation',
        'useMatchIdStatusQuery',
        'useCreateMatchIdMutation',
        'useLikenamaViewerQuery',
        'useLikeCampaignMutation',
      ]),
    );
    expect(hooks).toContain("from '@apollo/client/react'");
  });

  // test/client/hook-types.ts holds `@ts-expect-error` lines for wrong variables and fields:
  // tsc fails if any of them stops being an error, so this proves the types bite.
  it('type-checks the app, the hooks and the misuse file (tsc -p client/tsconfig.json)', async () => {
    const tsc = new URL('node_modules/typescript/bin/tsc', root).pathname;
    const run = await promisify(execFile)(process.execPath, [tsc, '-p', 'client/tsconfig.json'], {
      cwd: root.pathname,
    }).then(
      () => '',
      (err: { stdout?: string }) => err.stdout ?? String(err),
    );
    expect(run).toBe('');
  }, 60_000);

  // What a team copying client/__generated__ into its app gets: Next.js's default tsconfig
  // (bundler resolution, no allowImportingTsExtensions), data masking switched on as the Apollo
  // Client guide does it, and a component using a query, a suspense and a mutation hook.
  it('type-checks in a scratch project with a stock tsconfig', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stock-tsconfig-'));
    try {
      cpSync(new URL('client/__generated__', root), join(dir, 'src/gql'), { recursive: true });
      cpSync(new URL('client/app/src/apollo-client.d.ts', root), join(dir, 'src/apollo-client.d.ts'));
      symlinkSync(new URL('node_modules', root).pathname, join(dir, 'node_modules'), 'dir');
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2017',
            lib: ['dom', 'dom.iterable', 'esnext'],
            allowJs: true,
            skipLibCheck: true,
            strict: true,
            noEmit: true,
            esModuleInterop: true,
            module: 'esnext',
            moduleResolution: 'bundler',
            resolveJsonModule: true,
            isolatedModules: true,
            jsx: 'preserve',
          },
          include: ['src'],
        }),
      );
      writeFileSync(
        join(dir, 'src/page.tsx'),
        [
          "import { useSmmProvidersQuery, useMatchIdStatusSuspenseQuery, useSmmAddOrderMutation } from './gql/hooks';",
          'export function Page() {',
          '  const providers = useSmmProvidersQuery();',
          "  const status = useMatchIdStatusSuspenseQuery({ variables: { matchId: 'ABC123' } });",
          '  const [add] = useSmmAddOrderMutation();',
          "  void add({ variables: { provider: 'p', input: { service: '1', link: 'https://x', quantity: 100 } } });",
          '  return <p>{providers.data?.smmProviders[0]?.name}{String(status.data?.matchIdStatus?.active)}</p>;',
          '}',
        ].join('\n'),
      );
      const tsc = new URL('node_modules/typescript/bin/tsc', root).pathname;
      const out = await promisify(execFile)(process.execPath, [tsc, '-p', dir]).then(
        () => '',
        (err: { stdout?: string }) => err.stdout ?? String(err),
      );
      expect(out).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
