import { spawnSync } from 'node:child_process';
import Module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { directHashFiles } from '../../lib/direct-hash.ts';
import { useStack } from '../helpers/use-stack.ts';

const ROOT = new URL('../../', import.meta.url);

// named: @apollo/gateway hashes the operation's name into its query-plan key
const BALANCE = {
  query: 'query Balance { smmBalance(provider: "sosyal") { amount } }',
  operationName: 'Balance',
};

/** Counts the `require` calls (by id) made while `run` runs. */
async function requiresDuring(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const original = Module.prototype.require;
  Module.prototype.require = function (this: NodeJS.Module, id: string) {
    seen.push(id);
    return original.call(this, id);
  } as typeof original;
  try {
    await run();
  } finally {
    Module.prototype.require = original;
  }
  return seen;
}

describe('@apollo/utils.createhash, made direct in the stack', () => {
  const h = useStack();

  it('covers the copies Apollo Server and @apollo/gateway import, and serving requires nothing', async () => {
    const here = createRequire(import.meta.url);
    for (const lib of ['@apollo/server', '@apollo/gateway']) {
      expect(directHashFiles).toContain(createRequire(here.resolve(lib)).resolve('@apollo/utils.createhash'));
    }
    const ask = async () => {
      const r = await fetch(h.stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(BALANCE),
      });
      return (await r.json()) as { data?: { smmBalance?: { amount: string } } };
    };
    // warm: the first request loads what the stack loads lazily
    expect((await ask()).data?.smmBalance?.amount).toBeTruthy();
    let answer: Awaited<ReturnType<typeof ask>> | undefined;
    const seen = await requiresDuring(async () => (answer = await ask()));
    expect(answer?.data?.smmBalance?.amount).toBeTruthy();
    expect(seen).toEqual([]);
  });

  it('and in the compiled code npm start runs', () => {
    const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
      cwd: fileURLToPath(ROOT),
      stdio: 'inherit',
    });
    expect(built.status).toBe(0);
    const probe = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { startStack } = await import('./dist/stack/index.js');
         const { default: Module } = await import('node:module');
         const stack = await startStack({ forceEmulators: true, ports: 0 });
         const ask = () => fetch(stack.gatewayUrl, {
           method: 'POST',
           headers: { 'content-type': 'application/json' },
           body: ${JSON.stringify(JSON.stringify(BALANCE))},
         }).then((r) => r.json());
         const first = await ask();
         const seen = [];
         const original = Module.prototype.require;
         Module.prototype.require = function (id) { seen.push(id); return original.call(this, id); };
         const second = await ask();
         Module.prototype.require = original;
         await stack.close();
         console.log(JSON.stringify({ answered: !!first.data?.smmBalance?.amount && !!second.data?.smmBalance?.amount, seen }));`,
      ],
      { cwd: fileURLToPath(ROOT), encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } },
    );
    expect(probe.stderr).toBe('');
    expect(JSON.parse(probe.stdout.trim().split('\n').at(-1)!)).toEqual({ answered: true, seen: [] });
  });
});
