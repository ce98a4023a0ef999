import { badInput, userError, type UserError } from './errors.ts';

const DIGITS = /^\d{1,20}$/;

/**
 * The codes of input problems, one per problem on every API: in a mutation's userErrors as
 * `code`, in a query's BAD_USER_INPUT error as `extensions.reason`.
 */
export const InputCode = {
  /** an id that is not digits only */
  INVALID_ID: 'INVALID_ID',
  /** more ids in one call than allowed */
  TOO_MANY: 'TOO_MANY',
  /** free text with control or bidi characters */
  INVALID_TEXT: 'INVALID_TEXT',
} as const;

/** A field path as messages show it: `['input', 'links', '2']` is `input.links[2]`. */
export const pathText = (field: readonly string[]): string =>
  field.map((f, i) => (/^\d+$/.test(f) ? `[${f}]` : i === 0 ? f : `.${f}`)).join('');

/**
 * Ids that will be comma-joined or put in a path must be digits only: `"1,2"` would smuggle
 * a second id into the call and `"../x"` would change the path. Every problem is returned (a
 * list entry at its index, `field` being the argument's path such as `['input', 'service']`),
 * before any call; nothing is thrown, so a mutation puts them in its userErrors and a query
 * hands them to `refuse`.
 */
export function checkIds(ids: readonly string[], field: string[], max?: number): UserError[] {
  if (max !== undefined && ids.length > max)
    return [userError(InputCode.TOO_MANY, `${pathText(field)}: at most ${max} ids`, field)];
  return ids.flatMap((id, i) => checkId(id, [...field, String(i)]));
}

/** `checkIds` for one id. */
export function checkId(id: string, field: string[]): UserError[] {
  return DIGITS.test(id)
    ? []
    : [
        userError(
          InputCode.INVALID_ID,
          `${pathText(field)} must be digits only, got ${JSON.stringify(id.slice(0, 40))}`,
          field,
        ),
      ];
}

/**
 * For queries and entity references, which have no payload: the first problem as a
 * BAD_USER_INPUT error at its path, its code as `extensions.reason`.
 */
export function refuse(problems: readonly UserError[]): void {
  const first = problems[0];
  if (!first) return;
  const err = badInput(first.message, first.field ?? undefined);
  err.extensions.reason = first.code;
  throw err;
}

export const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Where a free-text input may break lines: titles, names, URLs and tokens may not. */
export type TextShape = 'line' | 'multiline';

// C0 controls (U+0000–U+001F), DEL and the C1 controls (U+0080–U+009F): never text, and some
// (NUL, ESC, form feed) end or rewrite what logs, terminals and upstream parsers show.
const CONTROL_LINE = /[\u0000-\u001F\u007F-\u009F]/u; // eslint-disable-line no-control-regex
// a multi-line text (a message, a description, an address) keeps tab, LF and CR
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u; // eslint-disable-line no-control-regex
// Bidi embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069) reorder how the
// text around them is shown ("Trojan Source"): an order title or a link can read as something
// else. The marks LRM, RLM and ALM, and ZWNJ and ZWJ, are kept: Persian text (Likenama) needs
// them (می‌خواهم is written with a ZWNJ), and they move nothing but their neighbours.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why a free-text input is refused, or null when it is acceptable: control characters (line
 * breaks and tabs too, in a one-line text) and bidi override, embedding and isolate characters.
 * The message names the character by code point and echoes nothing of the input.
 */
export function textProblem(value: string, shape: TextShape): string | null {
  const control = (shape === 'line' ? CONTROL_LINE : CONTROL_MULTILINE).exec(value);
  if (control) {
    const breaks = shape === 'line' && /[\t\n\r]/.test(control[0]);
    return breaks
      ? `must be one line without tabs (found ${codePoint(control[0])})`
      : `must not contain control characters (found ${codePoint(control[0])})`;
  }
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi)
    return `must not contain bidi override, embedding or isolate characters (found ${codePoint(bidi[0])})`;
  return null;
}

/** One free-text input to check: its path (as userErrors name it), its value and its shape. */
export type TextInput = [
  field: string[],
  value: string | readonly string[] | null | undefined,
  shape: TextShape,
];

/**
 * Every free-text problem of `inputs` as userErrors (`code`, at the field's path; a list entry
 * at its index), for mutations that report input errors in their payload. Run before anything
 * is sent upstream.
 */
export function textUserErrors(inputs: readonly TextInput[]): UserError[] {
  const errors: UserError[] = [];
  for (const [field, value, shape] of inputs) {
    if (value === null || value === undefined) continue;
    const entries: Array<[string[], string]> =
      typeof value === 'string' ? [[field, value]] : value.map((v, i) => [[...field, String(i)], v]);
    for (const [path, v] of entries) {
      const problem = textProblem(v, shape);
      if (problem) errors.push(userError(InputCode.INVALID_TEXT, `${pathText(path)} ${problem}`, path));
    }
  }
  return errors;
}
