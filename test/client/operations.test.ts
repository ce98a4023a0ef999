import { readdirSync, readFileSync } from 'node:fs';
import {
  buildSchema,
  extendSchema,
  Kind,
  NoUnusedFragmentsRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';

const OPERATIONS = new URL('../../client/operations/', import.meta.url);
const API_SCHEMA = new URL('../../schema/api-schema.graphql', import.meta.url);

// Apollo Client's own directive (data masking): the client removes it before sending
const schema = extendSchema(
  buildSchema(readFileSync(API_SCHEMA, 'utf8')),
  parse('directive @unmask(mode: String) on FRAGMENT_SPREAD'),
);
const files = readdirSync(OPERATIONS)
  .filter((f) => f.endsWith('.graphql'))
  .sort();
const documents = new Map(files.map((f) => [f, parse(readFileSync(new URL(f, OPERATIONS), 'utf8'))]));
const fragments = [...documents.values()].flatMap((d) =>
  d.definitions.filter((def): def is FragmentDefinitionNode => def.kind === Kind.FRAGMENT_DEFINITION),
);

// a file may use fragments of another (codegen sees them all); unused ones are checked on the whole set
const perFileRules = specifiedRules.filter((r) => r !== NoUnusedFragmentsRule);

/** Validates one file as codegen sees it: together with the fragments the other files define. */
function errorsOf(file: string, doc: DocumentNode, against: GraphQLSchema = schema): string[] {
  const own = new Set(doc.definitions.map((d) => ('name' in d ? d.name?.value : undefined)));
  const borrowed = fragments.filter((f) => !own.has(f.name.value));
  const all = { ...doc, definitions: [...doc.definitions, ...borrowed] };
  return validate(against, all, perFileRules).map((e) => `${file}: ${e.message}`);
}

describe('client/operations against schema/api-schema.graphql', () => {
  it('has operation files', () => {
    expect(files).toContain('smm.graphql');
  });

  it.each(files)('%s is valid against the API schema', (file) => {
    expect(errorsOf(file, documents.get(file)!)).toEqual([]);
  });

  it('uses every fragment it defines, across all files', () => {
    const merged: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [...documents.values()].flatMap((d) => d.definitions),
    };
    expect(validate(schema, merged).map((e) => e.message)).toEqual([]);
  });

  it('names every operation and fragment once, in PascalCase (the hook names come from them)', () => {
    const names = [...documents.values()].flatMap((d) =>
      d.definitions.map((def) => ('name' in def ? def.name?.value : undefined)),
    );
    expect(names.every((n) => n !== undefined && /^[A-Z][A-Za-z0-9]*$/.test(n))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('catches a document the schema does not allow (the check can fail)', () => {
    const bad = parse(/* GraphQL */ `
      query Bad($provider: ID!) {
        smmOrders(provider: $provider) {
          id
          link
        }
      }
    `);
    expect(errorsOf('bad.graphql', bad)).toEqual([
      'bad.graphql: Cannot query field "link" on type "SmmOrder".',
      'bad.graphql: Field "smmOrders" argument "ids" of type "[ID!]!" is required, but it was not provided.',
    ]);
  });
});
