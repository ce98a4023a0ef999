import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
});
