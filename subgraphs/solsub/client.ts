import { ErrorCode, LayerError } from '../shared/errors.ts';
import { AnswerReader, bodyText, readBody, type Body, type Sent } from '../shared/answer.ts';
import { UpstreamHttp, type UpstreamResponse } from '../shared/http.ts';
import type { HttpSettings } from '../shared/config.ts';
import { isRecord, toBool, toStr } from '../shared/values.ts';
import type { MatchIdState } from './__generated__/resolvers-types.ts';

export interface MatchIdStatusRecord {
  matchId: string;
  state: MatchIdState;
  /** upstream's `detail`, scrubbed */
  detail: string | null;
  /** when upstream answered (ISO 8601) */
  checkedAt: string;
}

export interface MatchIdRecord {
  matchId: string;
  cluster: string;
  isTrial: boolean;
  validTill: string | null;
}

/** SolSub refused to create the Match ID, in its own words: a userError, not a failure. */
export interface CreateRefusal {
  refused: 'DUPLICATE' | 'NOT_ALLOWED' | 'INVALID';
  message: string;
}
export const isCreateRefusal = (v: unknown): v is CreateRefusal =>
  isRecord(v) && typeof v.refused === 'string';

/** SolSub's two calls, as resolvers and loaders see them (the undici client or a fake). */
export interface SolsubApi {
  /** GET /check-match-id/: spends one of the Match ID's hits upstream */
  check(matchId: string): Promise<MatchIdStatusRecord>;
  /** POST /create-match-id/: changes state, never retried */
  create(matchId: string): Promise<MatchIdRecord | CreateRefusal>;
}

export const CHECK = 'check-match-id';
export const CREATE = 'create-match-id';

// The HTTP status is the answer; the body only carries SolSub's words.
const STATES: Record<number, MatchIdState> = {
  200: 'PAID_ACTIVE',
  201: 'TRIAL_ACTIVE',
  410: 'EXPIRED',
  422: 'NOT_FOUND',
};

/** One entry of a framework validation body: `{"detail":[{"loc":["query","match_id"],"msg":"Field required"}]}`. */
interface ValidationIssue {
  loc: string[];
  msg: string;
}

interface Answer {
  status: number;
  body: Body;
  /** `detail` when it is a string */
  detail: string | null;
  /** `detail` when it is a framework's list of validation issues */
  issues: ValidationIssue[] | null;
}

function validationIssues(detail: unknown): ValidationIssue[] | null {
  if (!Array.isArray(detail) || detail.length === 0) return null;
  const issues: ValidationIssue[] = [];
  for (const d of detail) {
    if (!isRecord(d)) return null;
    const loc = Array.isArray(d.loc) ? d.loc.map((x) => toStr(x) ?? '') : [];
    issues.push({ loc, msg: toStr(d.msg) ?? 'invalid' });
  }
  return issues;
}

/** `2025-05-07T12:00:00+00:00` as ISO 8601; a naive time is taken as UTC; null when unreadable. */
export function toDateTime(v: unknown): string | null {
  const s = toStr(v)?.trim().replace(' ', 'T');
  if (!s || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s)) return null;
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(s) ? s : `${s}Z`;
  const d = new Date(zoned);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const MISSING_KEY_HINT = 'send a cluster key in x-solsub-api-key or set SOLSUB_API_KEY';

export class HttpSolsubApi implements SolsubApi {
  private readonly http: UpstreamHttp;
  private readonly answers: AnswerReader;

  constructor(
    baseUrl: string,
    private readonly apiKey: string,
    settings: HttpSettings,
  ) {
    this.http = new UpstreamHttp({ api: 'solsub', baseUrl, ...settings, secrets: [apiKey], label: 'SolSub' });
    this.answers = new AnswerReader(this.http, 'SolSub');
  }

  async check(matchId: string): Promise<MatchIdStatusRecord> {
    // a read, so 5xx and transport errors are retried: a timed-out check may have spent a hit,
    // but one more hit is a smaller loss than no answer
    const res = await this.http.request({
      method: 'GET',
      path: `/${CHECK}/`,
      query: { match_id: matchId },
      headers: { 'api-key': this.apiKey, accept: 'application/json' },
      kind: 'read',
      action: CHECK,
    });
    const sent = { action: CHECK, kind: 'read' } as const;
    const a = this.read(sent, res);
    if (a.body.kind !== 'json')
      throw this.answers.unexpected(sent, `HTTP ${a.status} and ${bodyText(a.body)}`, res);
    if (a.issues) throw this.validationError(CHECK, a);
    const state = STATES[a.status];
    if (state) {
      if (a.detail === null) throw this.shapeError(CHECK, a, 'the documented {"detail": "..."}');
      return { matchId, state, detail: a.detail, checkedAt: new Date().toISOString() };
    }
    switch (a.status) {
      case 405:
      case 429:
        throw this.error(
          ErrorCode.RATE_LIMITED,
          `SolSub's usage limit is reached for Match ID ${matchId}`,
          CHECK,
          a,
        );
      case 400:
        throw this.error(ErrorCode.BAD_USER_INPUT, 'SolSub refused the check as incomplete', CHECK, a);
      case 401:
      case 403:
      case 404:
        throw this.keyError(CHECK, a);
      default:
        throw this.shapeError(CHECK, a, 'one of its documented statuses');
    }
  }

  async create(matchId: string): Promise<MatchIdRecord | CreateRefusal> {
    const res = await this.http.request({
      method: 'POST',
      path: `/${CREATE}/`,
      headers: { 'api-key': this.apiKey, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ match_id: matchId }),
      kind: 'write',
      action: CREATE,
    });
    const sent = { action: CREATE, kind: 'write' } as const;
    const a = this.read(sent, res);
    if (a.body.kind !== 'json')
      throw this.answers.unexpected(sent, `HTTP ${a.status} and ${bodyText(a.body)}`, res);
    if (a.status >= 200 && a.status < 300) {
      const created = parseCreated(a.body.value);
      if (!created) throw this.answers.unknown(sent, `HTTP ${a.status} and a body it cannot read`, res);
      return created;
    }
    if (a.issues) {
      if (a.issues.some(isKeyIssue)) throw this.keyError(CREATE, a);
      return { refused: 'INVALID', message: issuesText(a.issues) };
    }
    switch (a.status) {
      case 409:
        return {
          refused: 'DUPLICATE',
          message: a.detail ?? `Match ID '${matchId}' already exists in this cluster.`,
        };
      case 403:
        return {
          refused: 'NOT_ALLOWED',
          message: a.detail ?? 'This cluster does not allow creating Match IDs.',
        };
      case 400:
      case 422:
        return { refused: 'INVALID', message: a.detail ?? 'SolSub refused this Match ID.' };
      case 401:
      case 404:
        throw this.keyError(CREATE, a);
      case 405:
      case 429:
        throw this.error(ErrorCode.RATE_LIMITED, "SolSub's usage limit is reached", CREATE, a);
      default:
        throw this.answers.unexpected(
          sent,
          `HTTP ${a.status}, not one of its documented statuses`,
          res,
          a.detail ?? undefined,
        );
    }
  }

  /** Reads the answer through the common ladder; SolSub's own status table is the caller's. */
  private read(sent: Sent, res: UpstreamResponse): Answer {
    const body = readBody(res);
    const detail = body.kind === 'json' && isRecord(body.value) ? body.value.detail : undefined;
    const a: Answer = {
      status: res.status,
      body,
      detail: typeof detail === 'string' ? this.http.scrub(detail) : null,
      issues: validationIssues(detail),
    };
    this.answers.read(
      sent,
      res,
      {
        words: a.detail ?? (a.issues ? issuesText(a.issues) : undefined),
        subject: 'this API key',
        // 403 is in SolSub's own table (a key error on a check, NOT_ALLOWED on a create)
        forbiddenIsRefusal: true,
        unauthenticated: () => this.keyError(sent.action, a),
      },
      body,
    );
    return a;
  }

  private error(code: ErrorCode, message: string, action: string, a: Answer): LayerError {
    const words = a.detail ?? (a.issues ? issuesText(a.issues) : undefined);
    return new LayerError(
      code,
      words ? `${message}: ${this.http.scrub(words)}` : message,
      this.http.info(action, { status: a.status, message: words }),
    );
  }

  private keyError(action: string, a: Answer): LayerError {
    // a framework's own 404 for a route it does not have: SOLSUB_URL is wrong, not the key
    if (a.status === 404 && a.detail === 'Not Found') {
      return this.error(
        ErrorCode.UPSTREAM_BAD_RESPONSE,
        `SolSub has no ${action} route at the configured SOLSUB_URL`,
        action,
        a,
      );
    }
    return this.error(
      ErrorCode.UNAUTHENTICATED,
      `SolSub does not accept this API key (${MISSING_KEY_HINT})`,
      action,
      a,
    );
  }

  private validationError(action: string, a: Answer): LayerError {
    if (a.issues!.some(isKeyIssue)) return this.keyError(action, a);
    return this.error(ErrorCode.BAD_USER_INPUT, 'SolSub says a required parameter is missing', action, a);
  }

  private shapeError(action: string, a: Answer, expected: string): LayerError {
    return this.error(
      ErrorCode.UPSTREAM_BAD_RESPONSE,
      `SolSub answered ${action} with HTTP ${a.status}, not ${expected}`,
      action,
      a,
    );
  }
}

const isKeyIssue = (i: ValidationIssue) => i.loc.some((l) => /^api[-_]?key$/i.test(l));

const issuesText = (issues: ValidationIssue[]) =>
  issues.map((i) => (i.loc.length ? `${i.loc.join('.')}: ${i.msg}` : i.msg)).join('; ');

/** The documented 201 body; null when it is not of that shape. */
export function parseCreated(body: unknown): MatchIdRecord | null {
  if (!isRecord(body)) return null;
  const matchId = toStr(body.match_id);
  const cluster = toStr(body.cluster);
  const isTrial = toBool(body.is_trial);
  if (matchId === null || cluster === null || isTrial === null) return null;
  return { matchId, cluster, isTrial, validTill: toDateTime(body.valid_till) };
}
