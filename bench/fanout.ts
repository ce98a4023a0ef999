import { request } from 'undici';
import { DEMO_PANELS } from '../emulators/smm/index.ts';
import type { Stack } from '../stack/index.ts';
import type { StackPart } from '../stack/part.ts';
import { call, gqlCall, OpRunner, seq, type HttpCall, type Op } from './ops.ts';
import { inProcessUpstreams, seedOn, type Upstreams } from './upstreams.ts';

/**
 * One subgraph's share of the dashboard query, and the REST calls that fetch the same data
 * (in order, one after the other, as a client without the graph would make them).
 */
export interface FanoutPiece {
  api: StackPart['name'];
  /** root fields for the dashboard query (aliased, literal arguments) */
  fields: string;
  /** caller headers the gateway needs for these fields */
  headers?: Record<string, string>;
  rest: Op;
  /** what the bench chose where a reader might wonder */
  note?: string;
}

type PieceBuilder = (stack: Stack, upstreams: Upstreams) => Promise<FanoutPiece>;

const SOSYAL = DEMO_PANELS.find((p) => p.id === 'sosyal')!;

/** The SMM panel v2 call a client makes: a form POST with key and action, to the emulator at `smmUrl`. */
export function smmCall(smmUrl: string, params: Record<string, string>): HttpCall {
  return {
    method: 'POST',
    url: `${smmUrl}/sosyal/api/v2`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key: SOSYAL.key, ...params }).toString(),
  };
}

/** Seeds `n` fresh orders on the sosyal panel of the stack's own SMM emulator and returns their ids. */
export function seedSmmOrders(stack: Stack, n: number): string[] {
  return seedOn(stack.emulators.smm, n);
}

const need = (env: NodeJS.ProcessEnv, name: string): string => {
  const v = env[name];
  if (!v) throw new Error(`${name} is not set in the stack environment`);
  return v;
};

const trimSlash = (u: string) => u.replace(/\/+$/, '');

const smm: PieceBuilder = async (_stack, upstreams) => {
  const ids = await upstreams.seedSmmOrders(5);
  return {
    api: 'smm',
    fields: `smmBalance: smmBalance(provider: "sosyal") { amount currency }
      smmOrders: smmOrders(provider: "sosyal", ids: ${JSON.stringify(ids)}) { id status statusText charge remains }`,
    rest: seq(
      call(smmCall(upstreams.smmUrl(), { action: 'balance' })),
      call(smmCall(upstreams.smmUrl(), { action: 'status', orders: ids.join(',') })),
    ),
  };
};

const solmate: PieceBuilder = async (stack) => {
  const base = trimSlash(need(stack.env, 'SOLMATE_URL'));
  const auth = `Basic ${Buffer.from(`${need(stack.env, 'SOLMATE_USER')}:${stack.env.SOLMATE_PASSWORD ?? ''}`).toString('base64')}`;
  const headers = { authorization: auth, 'content-type': 'application/json' };
  // an order of our own, so the bench does not depend on the emulator's demo data
  const res = await request(`${base}/orders`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      title: 'Bench campaign',
      network: 'VIESHOW',
      model: 'CPM',
      total_budget: '1000',
      daily_budget: '100',
      material_url: 'https://example.com/ad.mp4',
      click_url: 'https://example.com/',
    }),
  });
  const text = await res.body.text();
  const id = /"id"\s*:\s*"?(\d+)"?/.exec(text)?.[1];
  if (res.statusCode >= 300 || !id)
    throw new Error(`Solmate refused the bench order: ${res.statusCode} ${text.slice(0, 200)}`);
  return {
    api: 'solmate',
    fields: `solmateOrder: order(id: "${id}") { id title network model totalBudget dailyBudget status statusText }`,
    rest: seq(
      call({ method: 'GET', url: `${base}/orders/${id}`, headers: { authorization: auth } }),
      call({ method: 'GET', url: `${base}/orders/${id}/status`, headers: { authorization: auth } }),
    ),
  };
};

const solsub: PieceBuilder = async (stack) => {
  const base = trimSlash(need(stack.env, 'SOLSUB_URL'));
  const key = need(stack.env, 'SOLSUB_API_KEY');
  const matchId = 'BENCHNOTINCLUSTER';
  return {
    api: 'solsub',
    fields: `solsubStatus: matchIdStatus(matchId: "${matchId}") { matchId state active detail }`,
    rest: call({
      method: 'GET',
      url: `${base}/check-match-id/?match_id=${matchId}`,
      headers: { 'api-key': key },
      okStatus: [422],
    }),
    note:
      'checks a Match ID the cluster does not know (422): a known one has a budget of 60 checks, ' +
      'which a few seconds of load would spend',
  };
};

/** A Likenama user token: BENCH_LIKENAMA_TOKEN, or the emulator's first demo user (who has campaigns). */
async function likenamaToken(): Promise<string> {
  if (process.env.BENCH_LIKENAMA_TOKEN) return process.env.BENCH_LIKENAMA_TOKEN;
  // imported loosely: the bench keeps working (without Likenama) if the emulator's exports change
  const mod = (await import('../emulators/likenama/index.ts' as string)) as {
    DEMO_TOKENS?: Record<string, unknown>;
  };
  const token = Object.values(mod.DEMO_TOKENS ?? {}).find((v) => typeof v === 'string' && v !== '');
  if (typeof token !== 'string') {
    throw new Error(
      'no Likenama token: set BENCH_LIKENAMA_TOKEN or export DEMO_TOKENS from emulators/likenama',
    );
  }
  return token;
}

const likenama: PieceBuilder = async (stack) => {
  const base = trimSlash(need(stack.env, 'LIKENAMA_URL'));
  const token = await likenamaToken();
  const headers = { authorization: token, accept: 'application/vnd.likenama.v1' };
  return {
    api: 'likenama',
    fields: `likenamaViewer: likenamaViewer { username likeCredit coinCredit }
      likenamaCampaigns: campaigns { id status statusText budget totalLikes }`,
    headers: { 'x-likenama-token': token },
    rest: seq(
      call({ method: 'GET', url: `${base}/api/users/self`, headers }),
      // 404 is Likenama's "this user has no campaigns"
      call({ method: 'GET', url: `${base}/api/campaigns`, headers, okStatus: [200, 404] }),
    ),
  };
};

export const PIECES: Record<StackPart['name'], PieceBuilder> = { solmate, solsub, smm, likenama };

export interface Fanout {
  pieces: FanoutPiece[];
  /** parts that run in the stack but whose piece could not be built, with why */
  skipped: Array<{ api: string; reason: string }>;
  query: string;
  headers: Record<string, string>;
}

const dashboard = (pieces: FanoutPiece[]) =>
  `query Dashboard {\n${pieces.map((p) => `  ${p.fields}`).join('\n')}\n}`;

/**
 * The dashboard query over every subgraph the stack runs. A piece whose REST calls or
 * GraphQL fields do not answer cleanly is left out (with the reason) rather than timed.
 */
export async function buildFanout(
  stack: Stack,
  apis: Array<StackPart['name']>,
  upstreams: Upstreams = inProcessUpstreams(stack),
): Promise<Fanout> {
  const pieces: FanoutPiece[] = [];
  const skipped: Fanout['skipped'] = [];
  const runner = new OpRunner();
  try {
    for (const api of apis) {
      try {
        const piece = await PIECES[api](stack, upstreams);
        for (const [what, op] of [
          ['REST', piece.rest],
          ['GraphQL', gqlCall(stack.gatewayUrl, dashboard([piece]), undefined, piece.headers)],
        ] as const) {
          const out = await runner.run(op, true);
          if (out.bad > 0) throw new Error(`${what} check failed: ${out.firstProblem}`);
        }
        pieces.push(piece);
      } catch (err) {
        skipped.push({ api, reason: (err as Error).message });
      }
    }
  } finally {
    await runner.close();
  }
  return {
    pieces,
    skipped,
    query: dashboard(pieces),
    headers: Object.assign({}, ...pieces.map((p) => p.headers ?? {})) as Record<string, string>,
  };
}
