import { describe, expect, it } from 'vitest';
import { fieldsFor, SERVICE_FIELDS, toInput } from '../../client/app/src/smm/fields.ts';
import { TYPE_RULES } from '../../subgraphs/smm/input.ts';

describe('the example app’s add-order form', () => {
  it('offers, for each service type, exactly the fields the SMM subgraph accepts', () => {
    const { UNKNOWN: _unknown, ...known } = SERVICE_FIELDS;
    const app = Object.fromEntries(
      Object.entries(known).map(([type, s]) => [type, [...s.required, ...(s.optional ?? [])].sort()]),
    );
    const graph = Object.fromEntries(
      Object.entries(TYPE_RULES).map(([type, r]) => [type, [...r.required, ...(r.optional ?? [])].sort()]),
    );
    expect(app).toEqual(graph);
    for (const [type, r] of Object.entries(TYPE_RULES)) {
      expect(SERVICE_FIELDS[type as keyof typeof TYPE_RULES].required).toEqual(r.required);
    }
  });

  it('hides drip-feed fields for a service without drip-feed', () => {
    expect(fieldsFor({ type: 'DEFAULT', dripfeed: true }).map((f) => f.field)).toEqual([
      'link',
      'quantity',
      'runs',
      'interval',
    ]);
    expect(fieldsFor({ type: 'DEFAULT', dripfeed: false }).map((f) => f.field)).toEqual(['link', 'quantity']);
  });

  it('builds the input from text: lists split by line, ints parsed, empty fields left out', () => {
    const { input, invalid } = toInput('2', ['link', 'comments', 'quantity', 'runs'], {
      link: ' https://instagram.com/p/x ',
      comments: 'nice\n\n  great  \n',
      quantity: '',
      runs: '3x',
    });
    expect(input).toEqual({ service: '2', link: 'https://instagram.com/p/x', comments: ['nice', 'great'] });
    expect(invalid).toEqual({ runs: 'must be a whole number' });
  });
});
