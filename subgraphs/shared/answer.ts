import { ErrorCode, LayerError, outcomeUnknownText } from './errors.ts';
import { excerpt, parseJsonExact, type CallKind, type UpstreamHttp, type UpstreamResponse } from './http.ts';

/**
 * One upstream answer, read once for every API: what each client interprets is a union, not a
 * string it parses again in its own way.
 */
export type Body =
  { kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'html' } | { kind: 'garbage' };

export function readBody(res: UpstreamResponse): Body {
  if (res.body.trim() === '') return { kind: 'empty' };
  if (/html/i.test(res.contentType) || /^\s*</.test(res.body)) return { kind: 'html' };
  try {
    return { kind: 'json', value: parseJsonExact(res.body) };
  } catch {
    return { kind: 'garbage' };
  }
}

/** How an error message names a body the layer could not use. */
export const bodyText = (b: Body): string =>
  b.kind === 'html'
    ? 'an HTML page'
    : b.kind === 'empty'
      ? 'no body'
      : b.kind === 'garbage'
        ? 'a body that is not JSON'
        : 'JSON of another shape';

/** The call an answer belongs to. */
export interface Sent {
  action: string;
  kind: CallKind;
  /** credentials this call carried in its body (tokens): scrubbed like the client's own */
  secrets?: string[];
}

/** What an API words its own way in the common ladder. */
export interface Ladder {
  /** upstream's own words in this answer (scrubbed before they are passed on) */
  words?: string | null;
  /** this API's error for a 401 (Likenama keeps upstream's text, SolSub names its key header) */
  unauthenticated?: () => LayerError;
  /** a 403 is one of this call's documented answers, for the client to read (not FORBIDDEN) */
  forbiddenIsRefusal?: boolean;
  /** whom a 401 or 429 concerns, in the default messages: "the API key", "this user" */
  subject?: string;
}

/**
 * The one reading of upstream answers every client shares: the common status ladder, the
 * write-outcome rule and the errors built from them. A write has three outcomes: done (2xx
 * with a readable body), refused (a documented 4xx or business error the client recognises),
 * or OUTCOME_UNKNOWN (anything else once a byte was sent, every 5xx included: a PHP panel
 * that crashes after its INSERT answers 500, a load balancer in front of a busy one 503).
 */
export class AnswerReader {
  constructor(
    readonly http: UpstreamHttp,
    /** how messages name this upstream: "Solmate", "SMM provider sosyal" */
    readonly label: string,
  ) {}

  /**
   * Reads the body and applies the ladder every API shares (5xx, 429, 401, 403, an unreadable
   * 2xx). What is left (a readable 2xx, or a 4xx) is the client's to interpret. `body`: what
   * readBody gave the client, which has read it already for its own words: parsing an answer
   * twice was half of the exact-JSON cost of a 250-id `smmOrders`.
   */
  read(sent: Sent, res: UpstreamResponse, ladder: Ladder = {}, body: Body = readBody(res)): Body {
    const words = ladder.words ?? undefined;
    if (res.status >= 500) {
      if (sent.kind === 'write') throw this.unknown(sent, `HTTP ${res.status}`, res, words);
      throw this.error(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `${this.label} failed with HTTP ${res.status}`,
        sent,
        res,
        words,
      );
    }
    if (res.status === 429) {
      const who = ladder.subject ?? 'this caller';
      throw this.error(ErrorCode.RATE_LIMITED, `${this.label} is rate limiting ${who}`, sent, res, words);
    }
    if (res.status === 401) {
      throw (
        ladder.unauthenticated?.() ??
        this.error(
          ErrorCode.UNAUTHENTICATED,
          `${this.label} refused ${ladder.subject ?? 'the credentials'}`,
          sent,
          res,
          words,
        )
      );
    }
    // an HTML 403 is a firewall's page, not the API refusing the account: the client's to read
    if (res.status === 403 && body.kind === 'json' && !ladder.forbiddenIsRefusal) {
      throw this.error(ErrorCode.FORBIDDEN, `${this.label} refused this account`, sent, res, words);
    }
    if (res.status >= 200 && res.status < 300 && (body.kind === 'html' || body.kind === 'garbage')) {
      throw this.unexpected(sent, bodyText(body), res);
    }
    return body;
  }

  /** The one "it may have happened" error: a write was sent and no clean answer came back. */
  unknown(sent: Sent, why: string, res?: UpstreamResponse, words?: string): LayerError {
    return this.error(
      ErrorCode.OUTCOME_UNKNOWN,
      outcomeUnknownText(this.label, sent.action, why),
      sent,
      res,
      words,
    );
  }

  /**
   * An answer the layer cannot use (wrong shape, unreadable, an undocumented status): for a
   * write that was sent it may have happened; for a read it is a bad response.
   */
  unexpected(sent: Sent, why: string, res?: UpstreamResponse, words?: string): LayerError {
    if (sent.kind === 'write') return this.unknown(sent, why, res, words);
    return this.error(
      ErrorCode.UPSTREAM_BAD_RESPONSE,
      `${this.label} answered ${sent.action} with ${why}`,
      sent,
      res,
      words,
    );
  }

  /** A read answered with something other than the documented shape. */
  shapeError(sent: Sent, expected: string, res?: UpstreamResponse): LayerError {
    return this.unexpected(sent, `a body that is not ${expected}`, res);
  }

  /** A layer error carrying upstream's status and words (or a short excerpt), scrubbed. */
  error(code: ErrorCode, message: string, sent: Sent, res?: UpstreamResponse, words?: string): LayerError {
    // scrubbed before it is cut, so no part of a credential survives the cut
    const said =
      words !== undefined
        ? this.scrub(words, sent)
        : res && res.body.trim() !== ''
          ? excerpt(this.scrub(res.body, sent), 120)
          : undefined;
    return new LayerError(
      code,
      this.scrub(message, sent),
      this.http.info(sent.action, { status: res?.status, message: said }),
    );
  }

  scrub(text: string, sent?: Sent): string {
    return this.http.scrub(text, sent?.secrets);
  }
}
