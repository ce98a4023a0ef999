import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

/** One thing that went wrong, in the graph's error vocabulary (extensions.code). */
export interface Problem {
  code: string;
  message: string;
  path?: string;
  /** upstream's own words, when the graph passed them on */
  upstream?: string;
  /** the gateway answered from an earlier attempt with the same idempotency key */
  replay?: boolean;
}

export function problemsOf(error: unknown): Problem[] {
  if (!error) return [];
  if (CombinedGraphQLErrors.is(error)) {
    return error.errors.map((e) => {
      const upstream = e.extensions?.upstream as { message?: unknown } | undefined;
      return {
        code: typeof e.extensions?.code === 'string' ? e.extensions.code : 'ERROR',
        message: e.message,
        path: e.path?.join('.'),
        upstream: typeof upstream?.message === 'string' ? upstream.message : undefined,
        replay: e.extensions?.idempotentReplay === true,
      };
    });
  }
  if (ServerError.is(error)) {
    // 502-504 come from the dev server's proxy when the gateway is down
    const code = error.statusCode >= 502 && error.statusCode <= 504 ? 'NETWORK' : `HTTP_${error.statusCode}`;
    return [{ code, message: `HTTP ${error.statusCode} from ${error.response.url || 'the gateway'}.` }];
  }
  return [{ code: 'NETWORK', message: error instanceof Error ? error.message : String(error) }];
}

/** What a user should read for each code; the graph's own message is kept beneath. */
const HEADLINES: Record<string, string> = {
  RATE_LIMITED: 'Rate limited: the service is refusing more requests for now. Wait a minute, then try again.',
  OUTCOME_UNKNOWN:
    'Outcome unknown: the request was sent but no answer came back, so it may or may not have gone through. ' +
    'Check before you try again, or it could happen twice.',
  UPSTREAM_UNAVAILABLE: 'The service is not reachable right now. Try again shortly.',
  UPSTREAM_BAD_RESPONSE: 'The service sent an answer that could not be understood.',
  UNAUTHENTICATED: 'The credentials were refused (missing or wrong key or token).',
  FORBIDDEN: 'This account is not allowed to do that.',
  NOT_FOUND: 'Not found.',
  BAD_USER_INPUT: 'The request was refused before it reached the service.',
  CONFLICT: 'The same request is still being processed. Try again in a moment.',
  NETWORK: 'The gateway could not be reached. Is it running?',
};

export const headline = (code: string) => HEADLINES[code] ?? 'Something went wrong.';

/** Graph errors as a user would want them: a plain headline per code, details underneath. */
export function ErrorNotice({ error, problems }: { error?: unknown; problems?: Problem[] }) {
  const list = problems ?? problemsOf(error);
  if (list.length === 0) return null;
  return (
    <div className="notices">
      {list.map((p, i) => (
        <div key={i} role="alert" className={`notice notice-${p.code.toLowerCase()}`} data-code={p.code}>
          <strong>{headline(p.code)}</strong>
          <span className="notice-detail">
            {p.path ? `${p.path}: ` : ''}
            {p.message}
            {p.upstream && p.upstream !== p.message ? ` (“${p.upstream}”)` : ''}
            {p.replay ? ' (the outcome of the earlier attempt: nothing was sent again)' : ''}
          </span>
        </div>
      ))}
    </div>
  );
}

export interface FieldError {
  field?: readonly string[] | null;
  message: string;
  code: string;
}

/**
 * Splits a payload's userErrors by input field (`["input", "quantity"]` → `quantity`), so each
 * shows next to its field; the rest (no field, or one the form does not show) go on top.
 */
export function byField(
  errors: readonly FieldError[],
  shown: readonly string[],
): { fields: Record<string, FieldError[]>; rest: FieldError[] } {
  const fields: Record<string, FieldError[]> = {};
  const rest: FieldError[] = [];
  for (const e of errors) {
    const name = e.field?.[e.field.length - 1];
    if (name && shown.includes(name)) (fields[name] ??= []).push(e);
    else rest.push(e);
  }
  return { fields, rest };
}

export function FieldErrors({ errors }: { errors?: FieldError[] }) {
  if (!errors?.length) return null;
  return (
    <ul className="field-errors">
      {errors.map((e, i) => (
        <li key={i} className="field-error" data-code={e.code}>
          {e.message} <code>{e.code}</code>
        </li>
      ))}
    </ul>
  );
}
