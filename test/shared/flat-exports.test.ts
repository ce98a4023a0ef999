import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { flattenedFiles, flattenExports } from '../../lib/flat-exports.ts';
import { SmmOrdersDocument } from '../../client/__generated__/graphql.ts';
import { useStack } from '../helpers/use-stack.ts';

const ROOT = new URL('../../', import.meta.url);

/** A library as tsc emits a package index: every export a getter into one of its parts. */
function library() {
  const dir = mkdtempSync(join(tmpdir(), 'flat-'));
  writeFileSync(
    join(dir, 'part.js'),
    `exports.assert = (c) => { if (!c) throw new Error('no'); }; exports.n = 1;`,
  );
  writeFileSync(
    join(dir, 'index.js'),
    `"use strict";
     var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
       if (k2 === undefined) k2 = k;
       var desc = Object.getOwnPropertyDescriptor(m, k);
       if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
         desc = { enumerable: true, get: function() { return m[k]; } };
       }
       Object.defineProperty(o, k2, desc);
     }) : 0);
     var __exportStar = function(m, exports) {
       for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
     };
     Object.defineProperty(exports, "__esModule", { value: true });
     __exportStar(require("./part.js"), exports);`,
  );
  return { entry: join(dir, 'index.js'), require: createRequire(join(dir, 'index.js')) };
}

describe('flattenExports', () => {
  it('hands later requirers plain values in place of re-export getters, the same values', () => {
    const lib = library();
    flattenExports(lib.entry, './index.js');
    const m = lib.require('./index.js') as Record<string, unknown>;
    for (const key of ['assert', 'n']) {
      const d = Object.getOwnPropertyDescriptor(m, key)!;
      expect(d.get).toBeUndefined();
      expect(d.enumerable).toBe(true);
    }
    expect(m.n).toBe(1);
    expect(m.assert).toBe((lib.require('./part.js') as { assert: unknown }).assert);
    // tsc's and esbuild's interop read it
    expect(m.__esModule).toBe(true);
    expect(Object.keys(m)).toEqual(['assert', 'n']);
  });

  it('leaves a module that is already loaded as it is', () => {
    const lib = library();
    const loaded = lib.require('./index.js') as object;
    flattenExports(lib.entry, './index.js');
    expect(lib.require('./index.js')).toBe(loaded);
    expect(Object.getOwnPropertyDescriptor(loaded, 'n')!.get).toBeTypeOf('function');
  });
});

describe('@apollo/federation-internals, flattened in the stack', () => {
  const h = useStack();

  it('is the object @apollo/gateway holds, and no export of it changed while the stack served', async () => {
    const r = await h.query(SmmOrdersDocument, { provider: 'sosyal', ids: ['1', '2'] });
    expect(r.data).toBeTruthy();
    const fromGateway = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
    const file = fromGateway.resolve('@apollo/federation-internals');
    const entry = flattenedFiles.get(file);
    expect(entry).toBeDefined();
    expect(fromGateway('@apollo/federation-internals')).toBe(entry!.flat);
    const live = entry!.live as Record<string, unknown>;
    const flat = entry!.flat as Record<string, unknown>;
    expect(Object.getOwnPropertyNames(flat).sort()).toEqual(Object.getOwnPropertyNames(live).sort());
    const changed = Object.getOwnPropertyNames(live).filter((k) => live[k] !== flat[k]);
    expect(changed).toEqual([]);
  });

  it('and in the compiled code npm start runs, where Node’s ESM loader caches it before it loads', () => {
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
        `await import('./dist/stack/index.js');
         const { flattenedFiles } = await import('./dist/lib/flat-exports.js');
         const { deferredFiles } = await import('./dist/lib/deferred-require.js');
         const { createRequire } = await import('node:module');
         const fromGateway = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
         const file = fromGateway.resolve('@apollo/federation-internals');
         console.log(JSON.stringify({
           flattened: flattenedFiles.has(file),
           held: fromGateway('@apollo/federation-internals') === flattenedFiles.get(file)?.flat,
           deferred: [...deferredFiles.values()].filter((s) => !s.loaded).length,
         }));`,
      ],
      { cwd: fileURLToPath(ROOT), encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } },
    );
    expect(probe.stderr).toBe('');
    expect(JSON.parse(probe.stdout.trim().split('\n').at(-1)!)).toEqual({
      flattened: true,
      held: true,
      // gateway/unused-modules.ts and subgraphs/shared/jit-unused.ts, none loaded
      deferred: 8,
    });
  });
});
