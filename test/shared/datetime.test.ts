import { DateTimeResolver } from 'graphql-scalars';
import { Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar } from '../../subgraphs/shared/scalars.ts';

// scalars.ts loads graphql-scalars' DateTime from its own file, not through the package's entry
// point: this holds what it loads to the entry point's DateTimeResolver
describe('DateTime', () => {
  it('is graphql-scalars’ DateTime: same name, description and specification', () => {
    expect(DateTimeScalar.name).toBe(DateTimeResolver.name);
    expect(DateTimeScalar.description).toBe(DateTimeResolver.description);
    expect(DateTimeScalar.specifiedByURL).toBe(DateTimeResolver.specifiedByURL);
    expect(DateTimeScalar.extensions).toEqual(DateTimeResolver.extensions);
  });

  const inputs = [
    '2026-12-02T14:03:57Z',
    '2026-12-02T14:03:57.123+03:30',
    '2016-12-31T23:59:60Z',
    '2026-02-30T00:00:00Z',
    '2026-12-02',
    '2026-12-02T25:00:00Z',
    'yesterday',
    '',
  ];

  it('reads values and literals as graphql-scalars does, refusals included', () => {
    const outcome = (f: () => unknown) => {
      try {
        return { value: f() };
      } catch (err) {
        return { refused: (err as Error).message };
      }
    };
    for (const text of inputs) {
      expect(outcome(() => DateTimeScalar.parseValue(text))).toEqual(
        outcome(() => DateTimeResolver.parseValue(text)),
      );
      const literal = { kind: Kind.STRING, value: text } as const;
      expect(outcome(() => DateTimeScalar.parseLiteral(literal))).toEqual(
        outcome(() => DateTimeResolver.parseLiteral(literal)),
      );
    }
  });

  it('writes the ISO text of what graphql-scalars serialises', () => {
    const at = new Date('2026-12-02T14:03:57.123Z');
    for (const value of [at, at.toISOString(), at.getTime(), '2026-12-02T17:33:57.123+03:30']) {
      expect(DateTimeScalar.serialize(value)).toBe((DateTimeResolver.serialize(value) as Date).toISOString());
    }
    expect(() => DateTimeScalar.serialize('not a date')).toThrow();
  });
});
