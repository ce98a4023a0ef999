import { buildSchema, isNonNullType, type GraphQLSchema } from 'graphql';
import { request } from 'undici';
import { composeSupergraph } from '../../stack/compose.ts';
import type { StackPart } from '../../stack/part.ts';
import type { Stack } from '../../stack/index.ts';

/** The API schema apps see for these parts. */
export const apiSchemaOf = (parts: StackPart[]): GraphQLSchema =>
  buildSchema(composeSupergraph(parts).apiSchema);

/** `order(id: "1") { id }` → `order` */
export const rootFieldOf = (selection: string): string => /^\s*(\w+)/.exec(selection)![1]!;

/** Whether an error in this root field leaves the rest of `data` standing (GraphQL null propagation). */
export function isNullableRoot(schema: GraphQLSchema, op: 'query' | 'mutation', selection: string): boolean {
  const type = op === 'query' ? schema.getQueryType() : schema.getMutationType();
  const field = type?.getFields()[rootFieldOf(selection)];
  if (!field) throw new Error(`no root ${op} field ${rootFieldOf(selection)} in the API schema`);
  return !isNonNullType(field.type);
}

/** A URL beside the gateway's /graphql (/health, /ready, /metrics). */
export const opsUrl = (stack: Pick<Stack, 'gatewayUrl'>, path: string) =>
  new URL(path, stack.gatewayUrl).toString();

export async function getJson<T = Record<string, unknown>>(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Record<string, string | string[] | undefined> }> {
  const res = await request(url, { headers });
  const text = await res.body.text();
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    body = text as unknown as T;
  }
  return { status: res.statusCode, body, headers: res.headers };
}

export async function getText(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers });
  return { status: res.statusCode, text: await res.body.text(), headers: res.headers };
}

/** Counter value from a Prometheus text exposition, for the sample with exactly these labels. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (want.every(([k, v]) => have[k] === v) && Object.keys(have).length === want.length)
      return Number(m[3]);
  }
  return 0;
}
