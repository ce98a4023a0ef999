import { GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { badInput } from './errors.ts';
import { toDecimal } from './values.ts';

const describe = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : typeof v);

/**
 * Money and other exact decimals, carried as strings end to end so that no binary float
 * ever touches them. Literals may be written unquoted (`rate: 0.90`): the AST keeps their
 * source text, so they stay exact too. Variables must be strings, since a JSON number may
 * already have been rounded by the caller's parser.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description:
    'An exact decimal number carried as a string (for example "0.27819" or "343423.1234567"). ' +
    'Never a float: pass it as a string in variables.',
  serialize(value) {
    const d = toDecimal(value);
    if (d === null) throw new TypeError(`Decimal cannot represent ${describe(value)}`);
    return d;
  },
  parseValue(value) {
    if (typeof value !== 'string')
      throw badInput(`Decimal must be a string such as "12.50", got ${describe(value)}`);
    const d = toDecimal(value);
    if (d === null)
      throw badInput(`Decimal must be a plain decimal number such as "12.50", got ${describe(value)}`);
    return d;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT && ast.kind !== Kind.FLOAT) {
      throw badInput('Decimal must be a string such as "12.50"');
    }
    const d = toDecimal(ast.value);
    if (d === null)
      throw badInput(`Decimal must be a plain decimal number such as "12.50", got "${ast.value}"`);
    return d;
  },
});

export { DateTimeResolver as DateTimeScalar };

export const scalarResolvers = { Decimal: DecimalScalar, DateTime: DateTimeResolver };
