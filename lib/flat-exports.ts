import { createRequire } from 'node:module';

/** Modules flattened, by file name (tests read it). */
export const flattenedFiles = new Map<string, { live: object; flat: object }>();

/**
 * Replaces, in require's cache, the exports of a CommonJS module that re-exports its parts through
 * getters (tsc's `__exportStar`) with a plain object holding the same values, for every module
 * that requires it from then on.
 *
 * Why: @apollo/federation-internals is such a module, and @apollo/gateway calls through it for
 * every value of every answer it shapes (`(0, federation_internals_1.assert)(…)`,
 * `isNonNullType`, `isListType` …): each call first runs a getter, one closure per export around
 * a keyed load V8 cannot specialise. In the 250-order profile that getter alone was 3.2–3.3% of
 * the samples.
 *
 * Only for a module whose exports do not change after it loads (a getter would follow a change,
 * a copy does not): test/shared/flat-exports.test.ts compares every flattened export with the
 * live one after the stack has served, and fails when a version starts reassigning one. Does
 * nothing for a module already loaded by the time it runs, so that no two requirers see
 * different objects; that test also fails if the module was loaded first.
 */
export function flattenExports(from: string, id: string): void {
  const require = createRequire(from);
  const file = require.resolve(id);
  // Loaded already: leave it. An entry not loaded yet is what Node's ESM loader puts in the cache
  // for a CommonJS module it met in the import graph (here through @apollo/gateway's re-exports);
  // the first require runs it, so this one does.
  if (require.cache[file]?.loaded) return;
  const live = require(file) as Record<string, unknown>;
  // still not loaded: it is running now, further up this very stack; its exports are not final
  if (!require.cache[file]?.loaded) return;
  const flat: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(live)) {
    const d = Object.getOwnPropertyDescriptor(live, key)!;
    Object.defineProperty(flat, key, { value: live[key], enumerable: d.enumerable, writable: false });
  }
  require.cache[file]!.exports = flat;
  flattenedFiles.set(file, { live, flat });
}
