import express from 'express';
import { request } from 'undici';
import type { BreakerReport } from '../subgraphs/shared/breaker.ts';
import { metricsRegistry } from '../lib/metrics.ts';
import { metricsText, workerIdentity } from '../lib/cluster.ts';
import { GATEWAY_SECRET_HEADER } from '../lib/secret.ts';
import { requireApiKey } from './access.ts';

export interface SubgraphReadiness {
  /** `up` when the subgraph answered its /ready in time */
  status: 'up' | 'down';
  /** its upstreams' circuits: closed, open or half-open (an upstream shows after its first call) */
  upstreams: BreakerReport[];
  error?: string;
}

export interface Readiness {
  /** `ready` when every subgraph answers; `degraded` when one of their circuits is open */
  status: 'ready' | 'degraded' | 'unready';
  subgraphs: Record<string, SubgraphReadiness>;
}

const readyUrl = (graphqlUrl: string) => {
  const u = new URL(graphqlUrl);
  u.pathname = u.pathname.replace(/\/graphql\/?$/, '') + '/ready';
  u.search = '';
  return u.toString();
};

async function probe(url: string, secret: string, timeoutMs: number): Promise<SubgraphReadiness> {
  try {
    const res = await request(readyUrl(url), {
      headers: { [GATEWAY_SECRET_HEADER]: secret },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.body.json()) as { upstreams?: BreakerReport[] };
    if (res.statusCode !== 200) return { status: 'down', upstreams: [], error: `HTTP ${res.statusCode}` };
    return { status: 'up', upstreams: body.upstreams ?? [] };
  } catch (err) {
    return { status: 'down', upstreams: [], error: (err as Error).name };
  }
}

export async function readiness(
  subgraphs: ReadonlyMap<string, string>,
  secret: string,
  timeoutMs = 2_000,
): Promise<Readiness> {
  const entries = await Promise.all(
    [...subgraphs].map(async ([name, url]) => [name, await probe(url, secret, timeoutMs)] as const),
  );
  const all = Object.fromEntries(entries);
  const down = entries.some(([, r]) => r.status === 'down');
  const open = entries.some(([, r]) => r.upstreams.some((u) => u.state !== 'closed'));
  return { status: down ? 'unready' : open ? 'degraded' : 'ready', subgraphs: all };
}

/**
 * /health (liveness: the process answers), /ready (every subgraph answers; per-upstream circuit
 * states; 503 only when a subgraph is down, since an open circuit is the layer coping, not
 * failing) and /metrics (Prometheus; needs an API key when GATEWAY_API_KEYS is set).
 */
export function opsRouter(opts: {
  subgraphs: ReadonlyMap<string, string>;
  secret: string;
  apiKeys: string[];
}): express.Router {
  const router = express.Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', ...workerIdentity() });
  });
  router.get('/ready', async (_req, res) => {
    const r = await readiness(opts.subgraphs, opts.secret);
    res.status(r.status === 'unready' ? 503 : 200).json(r);
  });
  router.get('/metrics', requireApiKey(opts.apiKeys), async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsText());
  });
  return router;
}
