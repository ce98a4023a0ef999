// Which build of the stack a bench runs: the TypeScript sources under tsx (the default, what
// `npm run dev` and the tests run) or the compiled JavaScript in dist/ (what `npm start` runs).
//   BENCH_CODE=dist npm run bench     (or: npx tsx bench/run.ts --dist)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { startStack as StartStack } from '../stack/index.ts';

export type BenchCode = 'source' | 'dist';

export function benchCode(argv: string[] = [], env: NodeJS.ProcessEnv = process.env): BenchCode {
  const v = argv.includes('--dist') ? 'dist' : (env.BENCH_CODE ?? 'source');
  if (v !== 'source' && v !== 'dist') throw new Error(`BENCH_CODE must be source or dist, got "${v}"`);
  return v;
}

/**
 * The stack's entry point from the chosen build. For dist/, builds it when stale (as `npm start`
 * does) and turns off the source maps tsx turned on for this process: `node dist/…` runs without
 * them, and with them every Error's stack would be mapped through dist's .js.map files.
 */
export async function loadStartStack(code: BenchCode): Promise<typeof StartStack> {
  if (code === 'source') return (await import('../stack/index.ts')).startStack;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('bench: npm run build failed');
  process.setSourceMapsEnabled(false);
  const dist = new URL('../dist/stack/index.js', import.meta.url).href;
  return ((await import(dist)) as { startStack: typeof StartStack }).startStack;
}
