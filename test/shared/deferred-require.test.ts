import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deferCallable, deferredFiles, deferRequire } from '../../lib/deferred-require.ts';

/** A library whose entry requires `heavy.js` at load, as @apollo/gateway requires what it defers. */
function library() {
  const dir = mkdtempSync(join(tmpdir(), 'deferred-'));
  writeFileSync(
    join(dir, 'heavy.js'),
    `globalThis.heavyLoads = (globalThis.heavyLoads ?? 0) + 1;
     exports.answer = 42;
     Object.defineProperty(exports, 'fixed', { enumerable: true, get: () => 'kept' });
     exports.Thing = class Thing { constructor(v) { this.v = v; } };`,
  );
  writeFileSync(join(dir, 'index.js'), `const heavy = require('./heavy.js'); exports.use = () => heavy;`);
  const entry = join(dir, 'index.js');
  return { entry, heavy: join(dir, 'heavy.js'), require: createRequire(entry) };
}

const loads = () => (globalThis as { heavyLoads?: number }).heavyLoads ?? 0;

describe('deferRequire', () => {
  it('loads a deferred module at its first use, once, and answers as the module itself', () => {
    const lib = library();
    const before = loads();
    deferRequire(lib.entry, ['./heavy.js']);
    const { use } = lib.require(lib.entry) as { use: () => Record<string, unknown> };
    expect(loads()).toBe(before);
    expect(deferredFiles.get(lib.heavy)).toEqual({ loaded: false });

    const heavy = use();
    expect(heavy.answer).toBe(42);
    expect(loads()).toBe(before + 1);
    expect(deferredFiles.get(lib.heavy)).toEqual({ loaded: true });
    expect(heavy.fixed).toBe('kept');
    expect('answer' in heavy).toBe(true);
    expect(Object.keys(heavy)).toEqual(['answer', 'fixed', 'Thing']);
    expect({ ...heavy }.fixed).toBe('kept');
    const Thing = heavy.Thing as new (v: number) => { v: number };
    expect(new Thing(7).v).toBe(7);
    // later requires get the real module, not the stand-in
    expect(lib.require(lib.heavy)).not.toBe(heavy);
    expect((lib.require(lib.heavy) as { answer: number }).answer).toBe(42);
    expect(loads()).toBe(before + 1);
  });

  it('leaves a module that is already loaded as it is', () => {
    const lib = library();
    const real = lib.require(lib.heavy) as object;
    deferRequire(lib.entry, ['./heavy.js']);
    expect(lib.require(lib.heavy)).toBe(real);
    expect(deferredFiles.has(lib.heavy)).toBe(false);
  });

  it('skips a module that is not there (a library that stopped depending on it)', () => {
    const lib = library();
    const before = deferredFiles.size;
    deferRequire(lib.entry, ['./missing.js', './heavy.js']);
    expect(deferredFiles.size).toBe(before + 1);
    expect(deferredFiles.get(lib.heavy)).toEqual({ loaded: false });
  });
});

describe('deferCallable', () => {
  /** A library bundled by esbuild: it reaches a function module through `__toESM` at load. */
  function bundled() {
    const dir = mkdtempSync(join(tmpdir(), 'deferred-fn-'));
    writeFileSync(
      join(dir, 'build.js'),
      `globalThis.buildLoads = (globalThis.buildLoads ?? 0) + 1;
       module.exports = function build(schema) { return 'built ' + schema + ' by ' + (this?.who ?? 'nobody'); };`,
    );
    // esbuild's interop, as graphql-jit's dist/execution.js has it
    writeFileSync(
      join(dir, 'index.js'),
      `var __create = Object.create, __defProp = Object.defineProperty, __getOwnPropNames = Object.getOwnPropertyNames,
         __getProtoOf = Object.getPrototypeOf, __hasOwnProp = Object.prototype.hasOwnProperty;
       var __copyProps = (to, from) => { if (from && typeof from === 'object' || typeof from === 'function')
         for (let key of __getOwnPropNames(from)) if (!__hasOwnProp.call(to, key)) __defProp(to, key, { get: () => from[key], enumerable: true });
         return to; };
       var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {},
         __copyProps(isNodeMode || !mod || !mod.__esModule ? __defProp(target, 'default', { value: mod, enumerable: true }) : target, mod));
       var import_build = __toESM(require('./build.js'));
       exports.use = (schema) => (0, import_build.default)(schema);
       exports.useAs = (who, schema) => import_build.default.call({ who }, schema);`,
    );
    const entry = join(dir, 'index.js');
    return { entry, build: join(dir, 'build.js'), require: createRequire(entry) };
  }
  const buildLoads = () => (globalThis as { buildLoads?: number }).buildLoads ?? 0;

  it('survives esbuild interop unloaded, and loads the module at its first call', () => {
    const lib = bundled();
    const before = buildLoads();
    deferCallable(lib.entry, './build.js');
    const { use, useAs } = lib.require(lib.entry) as {
      use: (s: string) => string;
      useAs: (who: string, s: string) => string;
    };
    expect(buildLoads()).toBe(before);
    expect(deferredFiles.get(lib.build)).toEqual({ loaded: false });
    expect(use('s')).toBe('built s by nobody');
    expect(useAs('me', 't')).toBe('built t by me');
    expect(buildLoads()).toBe(before + 1);
    expect(deferredFiles.get(lib.build)).toEqual({ loaded: true });
  });
});
