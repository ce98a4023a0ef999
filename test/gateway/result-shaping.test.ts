import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type * as Federation from '@apollo/federation-internals';
import {
  computeResponse,
  libraryComputeResponse,
  type ComputeResponse,
} from '../../gateway/result-shaping.ts';
import { serverDocument } from '../../gateway/trusted.ts';
import persisted from '../../client/__generated__/persisted-documents.json' with { type: 'json' };

const fi = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'))(
  '@apollo/federation-internals',
) as typeof Federation;

type Schema = Federation.Schema;
type Operation = Federation.Operation;

/** Deterministic: every failure names its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}
type Random = ReturnType<typeof random>;

/**
 * An answer as the gateway could hold it for `selectionSet`: mostly well formed, sometimes with
 * nulls where the schema forbids them, wrong leaf values, unknown or wrong `__typename`s, extra
 * keys, and (when `broken`) shapes the library asserts against.
 */
function answer(
  r: Random,
  schema: Schema,
  selectionSet: Federation.SelectionSet,
  parent: Federation.CompositeType,
  broken: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = r.chance(0.5) ? {} : Object.create(null);
  const possible = fi.isObjectType(parent) ? [parent] : fi.possibleRuntimeTypes(parent);
  const runtime = r.pick(possible);
  if (!fi.isObjectType(parent) || r.chance(0.3)) {
    out.__typename = r.chance(0.05) ? 'NoSuchType' : r.chance(0.03) && broken ? 7 : runtime.name;
  }
  if (r.chance(0.1)) out.extra = 'not asked';
  fill(r, schema, selectionSet, runtime, out, broken);
  return out;
}

function fill(
  r: Random,
  schema: Schema,
  selectionSet: Federation.SelectionSet,
  runtime: Federation.ObjectType,
  out: Record<string, unknown>,
  broken: boolean,
): void {
  for (const selection of selectionSet.selections()) {
    if (selection.kind === 'FragmentSelection') {
      const condition = selection.element.typeCondition;
      if (!condition || fi.isSubtype(condition, runtime) || condition === runtime || r.chance(0.2)) {
        fill(r, schema, selection.selectionSet, runtime, out, broken);
      }
      continue;
    }
    const field = selection.element;
    const name = field.responseName();
    if (field.name === '__typename') {
      if (r.chance(0.7)) out[name] = r.chance(0.05) ? 'NoSuchType' : runtime.name;
      continue;
    }
    if (r.chance(0.03)) continue; // missing: read as null
    out[name] = value(r, schema, field.definition.type!, selection.selectionSet, broken);
  }
}

function value(
  r: Random,
  schema: Schema,
  type: Federation.Type,
  selectionSet: Federation.SelectionSet | undefined,
  broken: boolean,
): unknown {
  if (r.chance(fi.isNonNullType(type) ? 0.02 : 0.1)) return null;
  if (fi.isNonNullType(type)) return value(r, schema, type.ofType, selectionSet, broken);
  if (fi.isListType(type)) {
    if (broken && r.chance(0.02)) return 'not a list';
    return Array.from({ length: Math.floor(r.next() * 4) }, () =>
      value(r, schema, type.ofType, selectionSet, broken),
    );
  }
  if (fi.isCompositeType(type)) {
    if (broken && r.chance(0.02)) return 42;
    return answer(r, schema, selectionSet!, type, broken);
  }
  const named = type as Federation.NamedType;
  const wrong = r.chance(0.04);
  if (fi.isEnumType(named)) return wrong ? 'NOT_A_VALUE' : r.pick(named.values).name;
  switch (named.name) {
    case 'Int':
      return wrong ? r.pick([1.5, '3', true]) : Math.floor(r.next() * 1000);
    case 'Float':
      return wrong ? r.pick(['1.5', false]) : r.next() * 10;
    case 'Boolean':
      return wrong ? r.pick([1, 'true']) : r.chance(0.5);
    case 'ID':
      return wrong ? r.pick([1.5, false]) : r.chance(0.5) ? String(Math.floor(r.next() * 1e6)) : 12;
    case 'String':
      return wrong ? r.pick([3, true]) : 'text';
    default:
      return r.pick(['0.10', 3, { any: 'json' }, true]);
  }
}

/** What each implementation gives, with the parts of errors a client sees. */
function run(
  impl: ComputeResponse,
  operation: Operation,
  variables: Record<string, unknown>,
  input: Record<string, unknown> | null,
) {
  try {
    const { data, errors } = impl({
      operation,
      variables,
      input,
      introspectionHandling: (selection) => ({ introspected: selection.element.responseName() }),
    });
    return {
      data,
      // the text a client gets, key order included
      json: JSON.stringify(data),
      errors: errors.map((e) => ({ message: e.message, path: e.path, code: e.extensions.code })),
    };
  } catch (e) {
    return { threw: (e as Error).message };
  }
}

/** Both implementations (on the document as the gateway gets it: no client-only directives) on `runs` generated answers; returns how many had errors (so a test sees it exercised them). */
function compare(
  schema: Schema,
  document: string,
  variables: Record<string, unknown>,
  runs: number,
  broken = false,
) {
  const operation = fi.operationFromDocument(schema, serverDocument(parse(document)), { validate: false });
  const root = schema.schemaDefinition.rootType(operation.rootKind)!;
  let withErrors = 0;
  let threw = 0;
  for (let seed = 1; seed <= runs; seed++) {
    const input = seed === 1 ? null : answer(random(seed), schema, operation.selectionSet, root, broken);
    const lib = run(libraryComputeResponse, operation, variables, input);
    const ours = run(computeResponse, operation, variables, input);
    expect({ seed, ...ours }).toStrictEqual({ seed, ...lib });
    if ('threw' in lib) threw++;
    else if (lib.errors.length > 0) withErrors++;
  }
  return { withErrors, threw };
}

const SHAPES = /* GraphQL */ `
  type Query {
    node(id: ID!): Node
    things: [Thing]
    pair: Pair!
    matrix: [[Int!]]!
    flag: Boolean
    n: Float
    when: Stamp
  }
  scalar Stamp
  enum Color {
    RED
    GREEN
  }
  interface Node {
    id: ID!
  }
  type Pair {
    left: Leaf!
    right: Leaf
    nodes: [Node!]
  }
  type Leaf implements Node {
    id: ID!
    color: Color!
    size: Int
    tags: [String!]!
  }
  type Branch implements Node {
    id: ID!
    leaves: [Leaf]!
    parent: Branch
  }
  union Thing = Leaf | Branch
`;

describe('computeResponse (gateway/result-shaping.ts) answers as @apollo/gateway’s own', () => {
  const supergraph = fi.Supergraph.build(
    readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'),
  );
  const api = supergraph.apiSchema();

  it('for every operation the apps send, on 200 generated answers each', () => {
    let withErrors = 0;
    const documents = Object.values(persisted as Record<string, string>);
    expect(documents.length).toBeGreaterThan(20);
    for (const document of documents) withErrors += compare(api, document, {}, 200).withErrors;
    expect(withErrors).toBeGreaterThan(100);
  });

  it('for unions, interfaces, fragments, aliases, merged fields, nested lists and @skip/@include', () => {
    const schema = fi.buildSchema(SHAPES);
    const documents = [
      `query { node(id: "1") { __typename id ... on Leaf { color size tags } ... on Branch { leaves { id color } parent { id } } } }`,
      `query { things { __typename ... on Leaf { id c: color } ... on Branch { id leaves { ... on Node { id } size } } } }`,
      `query { pair { left { id color } left2: left { id } right { id ...L } nodes { id __typename ... on Leaf { tags } } } } fragment L on Leaf { color tags }`,
      `query { pair { left { id ... on Leaf { id color } } left { size constructor: size } } matrix flag n when t: __typename toString: flag }`,
      `query ($a: Boolean!, $b: Boolean! = true) { things { ... on Leaf @include(if: $a) { id } ... on Branch { id @skip(if: $b) leaves @include(if: $b) { color } } } pair @skip(if: $a) { left { id } } flag @include(if: false) }`,
      `query { __typename things { __typename } node(id: "2") { ... on Thing { ... on Leaf { id } } } }`,
    ];
    let withErrors = 0;
    for (const document of documents) {
      for (const variables of [{ a: true }, { a: false, b: false }]) {
        withErrors += compare(schema, document, variables, 300).withErrors;
      }
    }
    expect(withErrors).toBeGreaterThan(100);
  });

  it('throws what the library throws for answers it cannot shape', () => {
    const schema = fi.buildSchema(SHAPES);
    let threw = 0;
    for (const document of [
      `query { things { __typename ... on Leaf { id tags } ... on Branch { leaves { id } } } pair { left { id } nodes { id } } }`,
      `query { matrix node(id: "1") { id } }`,
    ]) {
      threw += compare(schema, document, {}, 400, true).threw;
    }
    expect(threw).toBeGreaterThan(10);
  });

  it('a field aliased __proto__ is a field, and answer objects inherit nothing', () => {
    const schema = fi.buildSchema(SHAPES);
    const operation = fi.operationFromDocument(
      schema,
      parse(`query { __proto__: flag constructor: n pair { toString: right { id } } }`),
      { validate: false },
    );
    // a computed key: an own property, as JSON.parse makes it
    const input = { ['__proto__']: true, constructor: 1.5, pair: { toString: null } };
    for (const impl of [libraryComputeResponse, computeResponse]) {
      const { data, errors } = impl({ operation, variables: {}, input, introspectionHandling: () => null });
      expect(errors).toEqual([]);
      expect(JSON.stringify(data)).toBe('{"__proto__":true,"constructor":1.5,"pair":{"toString":null}}');
      const pair = data!.pair as object;
      for (const o of [data!, pair]) {
        expect('hasOwnProperty' in o).toBe(false);
        expect('__defineGetter__' in o).toBe(false);
      }
    }
  });

  it('introspection fields go to the handler, as in the library', () => {
    const schema = fi.buildSchema(SHAPES);
    compare(schema, `query { __schema { queryType { name } } flag }`, {}, 20);
  });

  it('an invalid variable for @skip throws the library’s message', () => {
    const schema = fi.buildSchema(SHAPES);
    const r = compare(schema, `query ($a: Boolean!) { flag @skip(if: $a) }`, { a: 'yes' }, 5);
    expect(r.threw).toBe(4);
  });
});
