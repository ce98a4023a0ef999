// The requests the load test and the soak (bench/soak.ts) send: each API's read from ./apis.ts,
// plus SMM reads that batch, cache and fan out. Every answer must be data without errors.
import type { StackPart } from '../../stack/part.ts';
import { rowOf } from './apis.ts';

export interface LoadRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

const SMM_EXTRA = [
  '{ smmOrders(provider: "sosyal", ids: ["23501", "23502", "23503", "23504", "23505"]) { id status charge } }',
  '{ smmServices(provider: "baostar") { id rate } }',
  '{ smmProviders { id balance { amount currency } } }',
];

export function loadMix(parts: StackPart[], path = '/graphql'): LoadRequest[] {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const queries: string[] = [];
  for (const part of parts) {
    const row = rowOf(part.name);
    Object.assign(headers, row.headers);
    queries.push(`{ ${row.read(1)} }`);
    if (part.name === 'smm') queries.push(...SMM_EXTRA);
  }
  return queries.map((query) => ({ method: 'POST', path, headers, body: JSON.stringify({ query }) }));
}

/** A GraphQL answer counts only when it carries data and no error. */
export function isCleanAnswer(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown };
    return parsed.errors === undefined && parsed.data !== null && parsed.data !== undefined;
  } catch {
    return false;
  }
}
