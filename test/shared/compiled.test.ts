import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLScalarType, GraphQLSchema } from 'graphql';
import type * as Jit from 'graphql-jit';
import { describe, expect, it, vi } from 'vitest';
import { COMPILED_OPERATIONS, compiledExecution } from '../../subgraphs/shared/compiled.ts';

// counts compilations; each call still compiles with graphql-jit itself
const jit = vi.hoisted(() => ({ compiled: [] as unknown[] }));
vi.mock('graphql-jit', async (importOriginal) => {
  const real = await importOriginal<typeof Jit>();
  return {
    ...real,
    compileQuery: (...args: Parameters<typeof real.compileQuery>) => {
      jit.compiled.push(args[1]);
      return real.compileQuery(...args);
    },
  };
});

// graphql's CommonJS build, the copy graphql-jit and @apollo/subgraph use (see compiled.ts)
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;
const { buildSchema, execute, GraphQLError, parse } = graphql;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const notFound = (id: string) => new GraphQLError(`no order ${id}`, { extensions: { code: 'NOT_FOUND' } });

/** A schema with what the subgraphs use: a union list as `_entities` is, async fields, a scalar that refuses. */
function schema(): GraphQLSchema {
  const s = buildSchema(`
    scalar Short
    type Order { id: ID! title: String! note: String }
    type Refill { id: ID! }
    union Entity = Order | Refill
    type Query {
      entities(ids: [String!]!): [Entity]!
      orders(ids: [String!]!): [Order!]
      echo(value: Short): String
    }
  `);
  const short = s.getType('Short') as GraphQLScalarType;
  Object.assign(short, {
    parseValue: (v: unknown) => {
      if (typeof v !== 'string' || v.length > 4)
        throw new GraphQLError('at most 4 characters', { extensions: { code: 'BAD_USER_INPUT' } });
      return v;
    },
    serialize: (v: unknown) => v,
  });
  // an id's answer comes after a delay of its own: `404` fails first, the others resolve later,
  // as a not-found read answers before a slower batch does
  const load = async (id: string) => {
    if (id === '404') {
      await wait(1);
      throw notFound(id);
    }
    await wait(10);
    return id.startsWith('r') ? { __typename: 'Refill', id } : { __typename: 'Order', id };
  };
  const query = s.getQueryType()!.getFields();
  query.entities!.resolve = (_p, { ids }: { ids: string[] }) => ids.map(load);
  query.orders!.resolve = (_p, { ids }: { ids: string[] }) => ids.map(load);
  query.echo!.resolve = (_p, { value }: { value?: string }) => value ?? null;
  const order = (s.getType('Order') as GraphQL.GraphQLObjectType).getFields();
  order.title!.resolve = async (p) => {
    await wait(1);
    return `order ${(p as { id: string }).id}`;
  };
  order.note!.resolve = (p) => {
    if ((p as { id: string }).id === 'bad') throw notFound('bad');
    return null;
  };
  (s.getType('Entity') as GraphQL.GraphQLUnionType).resolveType = (v: { __typename: string }) => v.__typename;
  return s;
}

async function compiled(s: GraphQLSchema) {
  const gateway = compiledExecution(s);
  const { executor } = await gateway.load({
    apollo: { key: undefined, keyHash: undefined, graphRef: undefined },
  } as never);
  return (document: DocumentNode, variables: Record<string, unknown>) =>
    executor!({ document, operationName: undefined, request: { variables }, context: {} } as never);
}

/** The answer as it goes on the wire, errors with their code and whether they kept their cause. */
const wire = (r: ExecutionResult) =>
  JSON.parse(
    JSON.stringify({
      ...r,
      errors: r.errors?.map((e) => ({ ...e.toJSON(), cause: e.originalError?.message })),
    }),
  ) as unknown;

const CASES: Array<[string, string, Record<string, unknown>]> = [
  [
    'a union list whose last item fails first keeps its null in place',
    '{ entities(ids: ["1", "r2", "1", "404"]) { __typename ... on Order { id title } ... on Refill { id } } }',
    {},
  ],
  [
    'a failed item in the middle, with aliases and a fragment spread',
    'query($ids: [String!]!) { e: entities(ids: $ids) { ...O } } fragment O on Order { key: id title }',
    { ids: ['404', '2', '3'] },
  ],
  [
    'a non-null item that fails nulls the whole list',
    'query($ids: [String!]!) { orders(ids: $ids) { id title } }',
    { ids: ['1', '404'] },
  ],
  [
    'a nullable field that fails is null beside its siblings',
    'query($ids: [String!]!) { orders(ids: $ids) { id note } }',
    { ids: ['1', 'bad'] },
  ],
  [
    'skip and include',
    'query($s: Boolean!) { echo(value: "ab") @skip(if: $s) x: echo @include(if: $s) }',
    { s: true },
  ],
  [
    'a variable the scalar refuses, in its own words',
    'query($v: Short) { echo(value: $v) }',
    { v: 'abcdef' },
  ],
  [
    'a list variable of the wrong type',
    'query($ids: [String!]!) { orders(ids: $ids) { id } }',
    { ids: [1, null] },
  ],
  ['a missing required variable', 'query($ids: [String!]!) { orders(ids: $ids) { id } }', {}],
];

describe('compiledExecution (graphql-jit behind Apollo Server)', () => {
  it.each(CASES)('answers as graphql-js does: %s', async (_name, query, variables) => {
    const s = schema();
    const run = await compiled(s);
    const document = parse(query);
    const expected = wire(
      await execute({ schema: s, document, variableValues: variables, contextValue: {} }),
    );
    // twice: the second run is the compiled function kept beside the document
    expect(wire(await run(document, variables))).toEqual(expected);
    expect(wire(await run(document, variables))).toEqual(expected);
  });

  it('puts the null of a failed union item at its own index (graphql-jit 0.8.9 alone does not)', async () => {
    const run = await compiled(schema());
    const r = await run(parse('{ entities(ids: ["1", "2", "1", "404"]) { ... on Order { id } } }'), {});
    expect(r.data).toEqual({ entities: [{ id: '1' }, { id: '2' }, { id: '1' }, null] });
    expect(r.errors?.map((e) => [e.path, e.extensions.code])).toEqual([[['entities', 3], 'NOT_FOUND']]);
  });

  it('keeps a refused variable’s cause and code, as Apollo Server reads them', async () => {
    const run = await compiled(schema());
    const r = await run(parse('query($v: Short) { echo(value: $v) }'), { v: 'abcdef' });
    expect(r.data).toBeUndefined();
    expect(r.errors?.[0]?.message).toBe('Variable "$v" got invalid value "abcdef"; at most 4 characters');
    expect(r.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('runs a mutation’s root fields one after the other, as graphql-js does', async () => {
    // two writes in one operation: the second must not start before the first has finished
    const s = buildSchema(`type Query { ok: Boolean } type Mutation { first: String second: String }`);
    const events: string[] = [];
    const fields = s.getMutationType()!.getFields();
    fields.first!.resolve = async () => {
      events.push('first started');
      await wait(5);
      events.push('first done');
      return 'a';
    };
    fields.second!.resolve = () => {
      events.push('second started');
      return 'b';
    };
    const run = await compiled(s);
    const r = await run(parse('mutation { first second }'), {});
    expect(r.data).toEqual({ first: 'a', second: 'b' });
    expect(events).toEqual(['first started', 'first done', 'second started']);
  });

  it('compiles a document once, and keeps no more than COMPILED_OPERATIONS of them', async () => {
    const run = await compiled(schema());
    const first = parse('{ echo(value: "a") }');
    jit.compiled.length = 0;
    await run(first, {});
    await run(first, {});
    expect(jit.compiled).toEqual([first]);
    for (let i = 0; i < COMPILED_OPERATIONS; i++)
      await run(parse(`{ echo(value: "${i % 10}") n${i}: echo }`), {});
    expect(jit.compiled).toHaveLength(COMPILED_OPERATIONS + 1);
    // the least recently used was dropped: it compiles again, and answers the same
    expect((await run(first, {})).data).toEqual({ echo: 'a' });
    expect(jit.compiled).toHaveLength(COMPILED_OPERATIONS + 2);
    expect(jit.compiled.at(-1)).toBe(first);
  });
});
