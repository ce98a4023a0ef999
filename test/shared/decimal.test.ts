import type { GraphQLSchema } from 'graphql';
import { buildSchema, graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { canonicalDecimal, DecimalScalar } from '../../subgraphs/shared/scalars.ts';

// a schema of one field that echoes its Decimal argument, so both input paths are exercised
function echoSchema(): GraphQLSchema {
  const schema = buildSchema('scalar Decimal\ntype Query { echo(d: Decimal!): Decimal! }');
  Object.assign(schema.getType('Decimal')!, {
    parseValue: DecimalScalar.parseValue.bind(DecimalScalar),
    parseLiteral: DecimalScalar.parseLiteral.bind(DecimalScalar),
    serialize: DecimalScalar.serialize.bind(DecimalScalar),
  });
  return schema;
}
const schema = echoSchema();
const rootValue = { echo: ({ d }: { d: string }) => d };
const viaVariable = (d: unknown) =>
  graphql({ schema, rootValue, source: 'query($d: Decimal!) { echo(d: $d) }', variableValues: { d } });
const viaLiteral = (literal: string) => graphql({ schema, rootValue, source: `{ echo(d: ${literal}) }` });

const CANONICAL: Array<[string, string]> = [
  ['5.', '5'],
  ['05.50', '5.5'],
  ['-0', '0'],
  ['-0.000', '0'],
  ['+5', '5'],
  ['+05.50', '5.5'],
  ['.5', '0.5'],
  ['-.5', '-0.5'],
  ['000', '0'],
  ['0.27819', '0.27819'],
  ['343423.1234567', '343423.1234567'],
  ['-12.340', '-12.34'],
  ['1'.repeat(30), '1'.repeat(30)],
  [`0.${'9'.repeat(18)}`, `0.${'9'.repeat(18)}`],
  // trailing zeros beyond the bound are not precision, so they do not count against it
  [`1.5${'0'.repeat(30)}`, '1.5'],
];

const REFUSED: Array<[string, RegExp]> = [
  ['1e5', /no exponent/],
  ['1E-7', /no exponent/],
  ['5e0', /no exponent/],
  [' 5', /no spaces/],
  ['5 ', /no spaces/],
  ['1 000', /no spaces/],
  ['5\n', /no spaces/],
  ['', /digits/],
  ['.', /digits/],
  ['-', /digits/],
  ['+-5', /digits/],
  ['1.2.3', /digits/],
  ['1,5', /digits/],
  ['NaN', /digits/],
  ['Infinity', /digits/],
  ['0x10', /digits/],
  ['١٢', /digits/], // Arabic-Indic digits are not \d in a JS regexp without /u flags; refused
  ['1'.repeat(31), /at most 30 digits before the point/],
  [`0.${'1'.repeat(19)}`, /at most 18 digits after the point/],
  ['9'.repeat(400), /at most 64 characters/],
];

describe('Decimal input', () => {
  it.each(CANONICAL)('reads %j as %j through a variable and a literal', async (input, canonical) => {
    expect(canonicalDecimal(input)).toBe(canonical);
    expect(await viaVariable(input)).toEqual({ data: { echo: canonical } });
    expect(await viaLiteral(JSON.stringify(input))).toEqual({ data: { echo: canonical } });
  });

  it('reads unquoted literals the same way (GraphQL numbers keep their source text)', async () => {
    for (const [literal, canonical] of [
      ['0.90', '0.9'],
      ['-0', '0'],
      ['12', '12'],
      ['-7.250', '-7.25'],
    ]) {
      expect(await viaLiteral(literal!)).toEqual({ data: { echo: canonical } });
    }
    const exp = await viaLiteral('1e5');
    expect(exp.errors?.[0]?.message).toMatch(/no exponent/);
  });

  it.each(REFUSED)('refuses %j as BAD_USER_INPUT on both paths', async (input, why) => {
    expect(() => canonicalDecimal(input)).toThrow(why);
    for (const r of [await viaVariable(input), await viaLiteral(JSON.stringify(input))]) {
      expect(r.data).toBeUndefined();
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0]!.message).toMatch(why);
      // the scalar's own error travels as the original error of the variable/argument error
      expect(r.errors![0]!.originalError ?? r.errors![0]).toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
  });

  it('echoes at most a short prefix of a refused value', async () => {
    const long = '9'.repeat(400);
    const r = await viaVariable(long);
    // graphql-js repeats the whole variable itself; the servers cut that (lib/http-errors.ts,
    // checked through the gateway in test/solmate/mutations.e2e.ts): here, the scalar's own words
    const message = r.errors![0]!.originalError!.message;
    expect(message).toContain(`"${'9'.repeat(64)}…"`);
    expect(message).not.toContain('9'.repeat(65));
  });

  it('refuses JSON numbers in variables (they may have been rounded already)', async () => {
    const r = await viaVariable(100.5);
    expect(r.errors![0]!.message).toMatch(/must be a string/);
  });

  it('gives output exactly as upstream sent it, beyond the input bounds too', () => {
    expect(DecimalScalar.serialize('0.27819')).toBe('0.27819');
    expect(DecimalScalar.serialize('5000.50')).toBe('5000.50');
    expect(DecimalScalar.serialize('343423.1234567000000000000001')).toBe('343423.1234567000000000000001');
    expect(DecimalScalar.serialize('+12')).toBe('12');
    expect(() => DecimalScalar.serialize('1e5')).toThrow(TypeError);
  });
});
