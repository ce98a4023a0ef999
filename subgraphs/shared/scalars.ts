import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GraphQLScalarType, Kind } from 'graphql';
import type { DateTimeResolver as LibraryDateTime } from 'graphql-scalars';
import { echo } from '../../lib/http-errors.ts';
import { badInput } from './errors.ts';
import { toDecimal } from './values.ts';

// graphql-scalars' entry point builds every one of its hundred-odd scalars (3.3 MiB of heap in
// each process that runs a subgraph), and its exports map offers no way to ask for one. DateTime
// alone is loaded, from the file that entry point takes it from; its CommonJS build, like the
// `graphql` every import here resolves to, so the scalar is of this process's one graphql.
// test/shared/datetime.test.ts holds it to the entry point's DateTimeResolver.
const require = createRequire(import.meta.url);
const DateTimeResolver = (
  require(join(dirname(require.resolve('graphql-scalars')), 'scalars/iso-date/DateTime.js')) as {
    GraphQLDateTime: typeof LibraryDateTime;
  }
).GraphQLDateTime;

const describe = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : typeof v);

/**
 * Bounds of a Decimal given as input. 30 integer digits is far above any amount the four APIs
 * take (a VND budget of a trillion has 13) and 18 fraction digits covers the finest unit in
 * use anywhere (wei; SMM panels quote rates to 7 places), while keeping parse work, cache keys
 * and what reaches upstream small. A value outside them is a mistake or an attack, not money.
 */
export const DECIMAL_MAX_INTEGER_DIGITS = 30;
export const DECIMAL_MAX_FRACTION_DIGITS = 18;
/** Longer text is refused before it is looked at (leading zeros are the only legitimate padding). */
const DECIMAL_MAX_INPUT_CHARS = 64;

const INPUT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * A Decimal input in its one canonical form: an optional "-", the integer digits without
 * leading zeros (at least "0"), then "." and the fraction digits without trailing zeros when
 * there are any. No "+", no exponent, no "-0", no trailing dot: `"+05.50"` → `"5.5"`,
 * `"5."` → `"5"`, `".5"` → `"0.5"`, `"-0.00"` → `"0"`. One value has one spelling, so an
 * idempotency key's fingerprint and what upstream receives do not depend on how it was typed.
 * Exponents (`"1e5"`, usually a float that went through a JSON number) and whitespace are
 * refused rather than guessed at. Throws BAD_USER_INPUT.
 */
export function canonicalDecimal(raw: string): string {
  const refuse = (why: string) =>
    badInput(`Decimal must be a plain decimal number such as "12.50" (${why}), got "${echo(raw)}"`);
  if (raw.length > DECIMAL_MAX_INPUT_CHARS) throw refuse(`at most ${DECIMAL_MAX_INPUT_CHARS} characters`);
  if (/[eE]/.test(raw)) throw refuse('no exponent');
  if (/\s/.test(raw)) throw refuse('no spaces');
  const m = INPUT.exec(raw);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw refuse('digits with an optional "-" and "."');
  const int = m[2]!.replace(/^0+/, '') || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (int.length > DECIMAL_MAX_INTEGER_DIGITS)
    throw refuse(`at most ${DECIMAL_MAX_INTEGER_DIGITS} digits before the point`);
  if (frac.length > DECIMAL_MAX_FRACTION_DIGITS)
    throw refuse(`at most ${DECIMAL_MAX_FRACTION_DIGITS} digits after the point`);
  const zero = int === '0' && frac === '';
  return `${m[1] === '-' && !zero ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/**
 * Money and other exact decimals, carried as strings end to end so that no binary float
 * ever touches them. Literals may be written unquoted (`rate: 0.90`): the AST keeps their
 * source text, so they stay exact too. Variables must be strings, since a JSON number may
 * already have been rounded by the caller's parser. Input is brought to canonicalDecimal's
 * form; output is upstream's value exactly as sent (only a "+" is dropped).
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description:
    'An exact decimal number carried as a string (for example "0.27819"). Never a float: pass it as a ' +
    'string in variables. Input is read in one canonical form: no "+", no leading zeros, no ' +
    'trailing zeros after the point, no trailing point, "-0" is "0" ("+05.50" is read as "5.5"); ' +
    'exponents and spaces are refused; at most 30 digits before the point and 18 after.',
  serialize(value) {
    const d = toDecimal(value);
    if (d === null) throw new TypeError(`Decimal cannot represent ${describe(value)}`);
    return d;
  },
  parseValue(value) {
    if (typeof value !== 'string')
      throw badInput(`Decimal must be a string such as "12.50", got ${describe(value)}`);
    return canonicalDecimal(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT && ast.kind !== Kind.FLOAT) {
      throw badInput('Decimal must be a string such as "12.50"');
    }
    return canonicalDecimal(ast.value);
  },
});

/**
 * graphql-scalars' DateTime, serialised to its ISO text rather than to a Date. Its own serialize
 * returns a Date, which becomes that same text only when JSON.stringify writes the answer; a
 * subgraph called in-process hands its result over without being written (lib/in-process.ts),
 * so every scalar must already be what the gateway would have parsed.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize: (value) => (DateTimeResolver.serialize(value) as Date).toISOString(),
});

export const scalarResolvers = { Decimal: DecimalScalar, DateTime: DateTimeScalar };
