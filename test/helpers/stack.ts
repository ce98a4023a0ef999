import { request } from 'undici';
import { startStack, type Stack, type StackOptions } from '../../stack/index.ts';

/**
 * Fast deadlines so fault tests finish quickly; every upstream is emulated. SUBGRAPH_TRANSPORT
 * comes from the test process (the `http` vitest project runs the gateway suites over HTTP).
 */
export const TEST_ENV: NodeJS.ProcessEnv = {
  UPSTREAM_TIMEOUT_MS: '800',
  UPSTREAM_READ_RETRIES: '1',
  UPSTREAM_RETRY_BASE_MS: '5',
  SMM_SERVICES_TTL_MS: '60000',
  ...(process.env.SUBGRAPH_TRANSPORT ? { SUBGRAPH_TRANSPORT: process.env.SUBGRAPH_TRANSPORT } : {}),
};

export async function startTestStack(opts: StackOptions = {}): Promise<Stack> {
  return startStack({ forceEmulators: true, ...opts, env: { ...TEST_ENV, ...opts.env } });
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
}

/** Sends real GraphQL over HTTP, as an app would. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GqlResult<T>> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const raw = await res.body.text();
  let parsed: { data?: T; errors?: GqlResult['errors'] } = {};
  try {
    parsed = JSON.parse(raw) as typeof parsed;
  } catch {
    // leave data and errors empty: the test reads `raw`
  }
  return { status: res.statusCode, ...parsed, headers: res.headers, raw };
}

/** The `extensions.code` of each error, with its path, for compact assertions. */
export const codes = (r: GqlResult) =>
  (r.errors ?? []).map((e) => ({ path: e.path?.join('.'), code: e.extensions?.code }));
