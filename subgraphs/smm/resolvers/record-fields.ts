import type { SmmContext } from '../context.ts';

/**
 * Field resolvers that read a status record: straight from the parent when the status was
 * already read (root fields, _entities), through the request's loader otherwise (a new order).
 * Synchronous in the first case: a 250-id list would otherwise make 1,500 needless promises.
 */
export function recordFields<R, K extends keyof R>(
  load: (p: { provider: string; id: string }, ctx: SmmContext) => Promise<R>,
  keys: readonly K[],
) {
  type Parent = { provider: string; id: string; record?: R };
  const resolvers: Partial<Record<K, (p: Parent, a: unknown, ctx: SmmContext) => unknown>> = {};
  for (const key of keys) {
    resolvers[key] = (p, _a, ctx) => (p.record ? p.record[key] : load(p, ctx).then((r) => r[key]));
  }
  return resolvers as { [P in K]: (p: Parent, a: unknown, ctx: SmmContext) => R[P] | Promise<R[P]> };
}
