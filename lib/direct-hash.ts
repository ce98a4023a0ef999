import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

/** The copies of @apollo/utils.createhash made direct, by file name (tests read it). */
export const directHashFiles = new Set<string>();

/**
 * Makes a copy of @apollo/utils.createhash, as resolved from `from`, call node:crypto directly.
 *
 * Why: its `createHash` runs `module.require("crypto")` on every call, and Apollo Server calls it
 * for every request (the query hash, in the gateway's pipeline and again in each subgraph's;
 * @apollo/gateway once more for a named operation). Under a process with module hooks registered
 * (tsx: the bench, `npm run dev`) every such require goes through the hooks' resolver: in the
 * single-status profile that was 3.6% of the samples. Under plain node it is a sub-microsecond
 * cache lookup, so this mostly keeps the bench measuring the code `npm start` runs.
 *
 * Same answer: a node:crypto Hash is what the library returns on Node. Must run before the
 * library's importers load it (an ES module takes a copy of the export when it links);
 * test/shared/direct-hash.test.ts checks that serving a request requires nothing.
 */
export function directCreateHash(from: string): void {
  const require = createRequire(from);
  const file = require.resolve('@apollo/utils.createhash');
  const live = require(file) as { createHash: unknown };
  live.createHash = (kind: string) => createHash(kind);
  directHashFiles.add(file);
}
