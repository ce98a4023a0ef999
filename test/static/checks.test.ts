import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const bin = (name: string) => resolve(root, 'node_modules/.bin', name);

async function check(cmd: string, args: string[]): Promise<string> {
  try {
    await run(bin(cmd), args, { cwd: root, maxBuffer: 32 * 1024 * 1024 });
    return '';
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
  }
}

// The house checks run as tests, so `npm test` is the one command that proves a change.
describe('static checks', () => {
  it('TypeScript (strict) type-checks', { timeout: 240_000 }, async () => {
    expect(await check('tsc', ['--noEmit', '-p', 'tsconfig.json'])).toBe('');
  });

  it('ESLint finds nothing', { timeout: 240_000 }, async () => {
    expect(await check('eslint', ['--max-warnings=0', '.'])).toBe('');
  });

  it('Prettier finds nothing to reformat', { timeout: 120_000 }, async () => {
    expect(await check('prettier', ['--check', '--log-level=warn', '.'])).toBe('');
  });
});
