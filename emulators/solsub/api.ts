import { Emulator, json, type RecordedRequest, type Reply } from '../shared/emulator.ts';

export type MatchIdType = 'admin_generated' | 'user_generated';

export interface SeedMatchId {
  matchId: string;
  isTrial: boolean;
  /** valid_till relative to the emulator's (re)start; negative: already expired; null: none set */
  validForMs: number | null;
  /** hits already spent (the budget is hitLimit, 60 by default) */
  hitsUsed?: number;
  hitLimit?: number;
}

export interface ClusterConfig {
  name: string;
  key: string;
  matchIdType: MatchIdType;
  /** days of trial given to a Match ID created here; 0 or null: none (is_trial false) */
  trialPeriodDays: number | null;
  matchIds: SeedMatchId[];
}

export interface MatchIdRow {
  matchId: string;
  isTrial: boolean;
  validTill: Date | null;
  hitLimit: number;
  hitsUsed: number;
}

/** Behaviours that differ between implementations of this API, switchable per test. */
export interface SolsubSwitches {
  /** a missing parameter: the documented 400, or a framework's 422 validation body */
  missingParams: 'documented' | 'framework';
  /** what an unknown key gets on check (public implementations answer 404) */
  unknownKeyStatus: 404 | 401 | 403;
  /** parameters that never arrive, as behind a proxy that strips them */
  drop: Array<'match_id' | 'api-key'>;
}

const defaultSwitches = (): SolsubSwitches => ({
  missingParams: 'documented',
  unknownKeyStatus: 404,
  drop: [],
});

export const HIT_LIMIT = 60;
const DAY_MS = 24 * 60 * 60_000;

/** Python's isoformat of an aware UTC datetime, as SolSub sends it: `2025-05-07T12:00:00+00:00`. */
export const isoUtc = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** One cluster: its key, its kind and its Match IDs with their validity and hit budgets. */
export class Cluster {
  readonly matchIds = new Map<string, MatchIdRow>();

  constructor(readonly config: ClusterConfig) {
    this.reset();
  }

  reset(): void {
    this.matchIds.clear();
    const now = Date.now();
    for (const m of this.config.matchIds) {
      this.matchIds.set(m.matchId, {
        matchId: m.matchId,
        isTrial: m.isTrial,
        validTill: m.validForMs === null ? null : new Date(now + m.validForMs),
        hitLimit: m.hitLimit ?? HIT_LIMIT,
        hitsUsed: m.hitsUsed ?? 0,
      });
    }
  }

  /** Every check of a Match ID of this cluster spends a hit, whatever it answers, until none is left. */
  check(matchId: string): Reply {
    const row = this.matchIds.get(matchId);
    if (!row) return json(422, { detail: 'Match ID not found for this cluster' });
    if (row.hitsUsed >= row.hitLimit) return json(405, { detail: 'API Limit Reached' });
    row.hitsUsed++;
    if (!row.validTill || row.validTill.getTime() <= Date.now())
      return json(410, { detail: 'Match ID expired' });
    return row.isTrial ? json(201, { detail: 'Trial Active' }) : json(200, { detail: 'Paid Active' });
  }

  create(matchId: string): Reply {
    if (this.config.matchIdType !== 'admin_generated') {
      return json(403, {
        detail: `Action forbidden: Cluster match_id_type is '${this.config.matchIdType}', expected 'admin_generated'.`,
      });
    }
    if (this.matchIds.has(matchId)) {
      return json(409, { detail: `Match ID '${matchId}' already exists in this cluster.` });
    }
    const trialDays = this.config.trialPeriodDays ?? 0;
    const isTrial = trialDays > 0;
    const row: MatchIdRow = {
      matchId,
      isTrial,
      // without a trial SolSub sets no end: the id reads as expired until it is paid
      validTill: isTrial ? new Date(Date.now() + trialDays * DAY_MS) : null,
      hitLimit: HIT_LIMIT,
      hitsUsed: 0,
    };
    this.matchIds.set(matchId, row);
    return json(201, {
      detail: 'Match ID created successfully',
      match_id: matchId,
      cluster: this.config.name,
      is_trial: isTrial,
      valid_till: row.validTill ? isoUtc(row.validTill) : null,
    });
  }

  /** What a payment would do (tests and demos): paid and active for `days` from now. */
  pay(matchId: string, days = 30): void {
    const row = this.matchIds.get(matchId);
    if (!row) throw new Error(`no Match ID ${matchId} in cluster ${this.config.name}`);
    row.isTrial = false;
    row.validTill = new Date(Date.now() + days * DAY_MS);
  }
}

const missingBody = (sw: SolsubSwitches, missing: Array<[string, string]>, documented: string): Reply =>
  sw.missingParams === 'framework'
    ? json(422, {
        detail: missing.map(([where, name]) => ({
          type: 'missing',
          loc: [where, name],
          msg: 'Field required',
          input: null,
        })),
      })
    : json(400, { detail: documented });

/**
 * SolSub: `GET /check-match-id/?match_id=` and `POST /create-match-id/`, with the `api-key`
 * header naming the cluster. Recorded actions are `check-match-id` and `create-match-id`.
 */
export function createSolsubEmulator(clusters: ClusterConfig[], opts: { latencyMs?: number } = {}) {
  const byName = new Map(clusters.map((c) => [c.name, new Cluster(c)]));
  const byKey = new Map([...byName.values()].map((c) => [c.config.key, c]));
  const switches: SolsubSwitches = defaultSwitches();

  const route = (path: string) => path.replace(/\/+$/, '');

  const keyOf = (req: RecordedRequest) =>
    switches.drop.includes('api-key') ? '' : (req.headers['api-key'] ?? '');

  const check = (req: RecordedRequest): Reply => {
    const key = keyOf(req);
    const matchId = switches.drop.includes('match_id') ? '' : (req.query.match_id ?? '');
    if (!key || !matchId) {
      const missing: Array<[string, string]> = [];
      if (!key) missing.push(['header', 'api-key']);
      if (!matchId) missing.push(['query', 'match_id']);
      return missingBody(switches, missing, 'API key and match ID are required');
    }
    const cluster = byKey.get(key);
    if (!cluster) return json(switches.unknownKeyStatus, { detail: 'Invalid API key' });
    return cluster.check(matchId);
  };

  const create = (req: RecordedRequest): Reply => {
    const key = keyOf(req);
    const body = switches.drop.includes('match_id') ? undefined : req.body;
    const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).match_id : undefined;
    const matchId = typeof raw === 'string' ? raw.trim() : '';
    if (!key) return missingBody(switches, [['header', 'api-key']], 'API key is required');
    const cluster = byKey.get(key);
    if (!cluster) return json(404, { detail: 'Invalid API key or cluster not found' });
    if (!matchId) return missingBody(switches, [['body', 'match_id']], 'match_id is required');
    return cluster.create(matchId);
  };

  const emulator = new Emulator(
    {
      name: 'solsub',
      latencyMs: opts.latencyMs,
      actionOf: (req) => route(req.path).replace(/^\//, '') || req.path,
      rateLimitBody: { detail: 'Too Many Requests' },
      wrongShapeBody: { status: 'ok', data: { active: true } },
    },
    (req) => {
      const path = route(req.path);
      if (path === '/check-match-id') {
        return req.method === 'GET' ? check(req) : json(405, { detail: 'Method Not Allowed' });
      }
      if (path === '/create-match-id') {
        return req.method === 'POST' ? create(req) : json(405, { detail: 'Method Not Allowed' });
      }
      return json(404, { detail: 'Not Found' });
    },
    () => {
      byName.forEach((c) => c.reset());
      Object.assign(switches, defaultSwitches());
    },
  );
  return Object.assign(emulator, {
    clusters: byName,
    switches,
    /** the cluster's Match ID row, for assertions and adjustments in tests */
    matchId: (cluster: string, matchId: string) => byName.get(cluster)?.matchIds.get(matchId),
  });
}
export type SolsubEmulator = ReturnType<typeof createSolsubEmulator>;
