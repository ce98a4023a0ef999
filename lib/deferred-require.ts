import { createRequire, Module } from 'node:module';

/** Stand-ins put in place, by file name (tests read it). */
export const deferredFiles = new Map<string, { loaded: boolean }>();

/**
 * Defers modules that a CommonJS library requires when it loads but uses only on paths this
 * product never takes: for each id, as `from` (a file of that library) would resolve it, puts a
 * stand-in in require's cache whose first use (reading any property of it) loads the real module
 * and answers from it from then on. A library that starts using one at load time, or a path we
 * thought untaken, still gets the real module, only later; what is saved is the memory and start
 * time of modules never used. An id already loaded is left as it is, one not installed skipped.
 *
 * Only for modules that are required and then read by property (`mod.Thing`): a stand-in cannot
 * know without loading whether the module has a `default` export, so code that interops through
 * `'default' in mod` loads it at once (correct, but nothing saved).
 */
export function deferRequire(from: string, ids: readonly string[]): void {
  for (const id of ids)
    installStandIn(
      from,
      id,
      (load) =>
        new Proxy(
          {},
          {
            get: (_t, key) => Reflect.get(load(), key) as unknown,
            has: (_t, key) => Reflect.has(load(), key),
            ownKeys: () => Reflect.ownKeys(load()),
            // a stand-in's own (empty, extensible) target must not be reported to hold a
            // non-configurable property: the descriptor is the real one, made configurable
            getOwnPropertyDescriptor: (_t, key) => {
              const d = Reflect.getOwnPropertyDescriptor(load(), key);
              return d && { ...d, configurable: true };
            },
            set: (_t, key, value) => Reflect.set(load(), key, value),
          },
        ),
    );
}

/**
 * The same for a module whose export is a function the library only ever calls, and reaches
 * through bundler interop: esbuild's `__toESM` (graphql-jit's build) lists the module's own keys
 * when the library loads, which would load a Proxy stand-in at once. This stand-in is a plain
 * function with no keys of its own: interop copies nothing, and its first call loads the real
 * module and calls it.
 */
export function deferCallable(from: string, id: string): void {
  installStandIn(from, id, (load) => {
    function deferred(this: unknown, ...args: unknown[]): unknown {
      return Reflect.apply(load() as (...a: unknown[]) => unknown, this, args);
    }
    return deferred;
  });
}

function installStandIn(from: string, id: string, make: (load: () => object) => object): void {
  const require = createRequire(from);
  let file: string;
  try {
    file = require.resolve(id);
  } catch (err) {
    // a library upgrade that no longer depends on it leaves nothing to defer: starting must
    // not fail over a saving (no-outbound.e2e counts the stand-ins and tells us the list is stale)
    if ((err as { code?: string }).code === 'MODULE_NOT_FOUND') return;
    throw err;
  }
  // loaded already, or deferred already (the stand-in is then what the cache holds)
  if (require.cache[file]) return;
  const state = { loaded: false };
  let real: object | undefined;
  const load = (): object => {
    if (real) return real;
    // out of the cache first, or require would hand back the stand-in itself
    delete require.cache[file];
    real = require(file) as object;
    state.loaded = true;
    return real;
  };
  const mod = new Module(file);
  mod.filename = file;
  mod.loaded = true;
  mod.exports = make(load);
  require.cache[file] = mod;
  deferredFiles.set(file, state);
}
