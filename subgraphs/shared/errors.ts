import { GraphQLError } from 'graphql';
import type { ApiName } from '../../stack/parts/index.ts';

/** The one error vocabulary of the graph, documented in README.md, "Errors". */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_BAD_RESPONSE: 'UPSTREAM_BAD_RESPONSE',
  OUTCOME_UNKNOWN: 'OUTCOME_UNKNOWN',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An API of the registry (stack/parts/index.ts): a client naming an unregistered one does not compile. */
export type UpstreamApi = ApiName;

/** What upstream itself said, kept in its own words (Persian, Vietnamese, Chinese as sent). */
export interface UpstreamInfo {
  api: UpstreamApi;
  status?: number;
  message?: string;
  /** which provider (SMM) or action the call was for; never a credential */
  provider?: string;
  action?: string;
}

export class LayerError extends GraphQLError {
  readonly code: ErrorCode;
  readonly upstream?: UpstreamInfo;

  constructor(code: ErrorCode, message: string, upstream?: UpstreamInfo, extra?: Record<string, unknown>) {
    super(message, {
      extensions: {
        code,
        ...(upstream ? { upstream: stripUndefined(upstream) } : {}),
        ...extra,
      },
    });
    this.code = code;
    this.upstream = upstream;
  }
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The one text of OUTCOME_UNKNOWN: what was sent, why it is unknown, and what to do. */
export const outcomeUnknownText = (upstream: string, action: string, why: string) =>
  `${upstream} gave no clean answer to ${action} (${why}) after it was sent: it may have taken effect. ` +
  'Check its state before trying again.';

export const badInput = (message: string, field?: string[]) =>
  new LayerError(ErrorCode.BAD_USER_INPUT, message, undefined, field ? { field } : undefined);

export const notFound = (message: string, upstream?: UpstreamInfo) =>
  new LayerError(ErrorCode.NOT_FOUND, message, upstream);

/**
 * Whether an error proves that nothing reached upstream (an open circuit, or an error marked
 * `extensions.sent: false` by whoever refused to send): a write behind it did not happen.
 */
export const wasNotSent = (e: unknown): boolean =>
  e instanceof LayerError && (e.extensions.circuit === 'open' || e.extensions.sent === false);

/** A business outcome of a mutation: data, not an error (userErrors in every payload). */
export interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}

export const userError = (code: string, message: string, field?: string[] | null): UserError => ({
  code,
  message,
  field: field ?? null,
});
