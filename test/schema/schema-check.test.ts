import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_CHANGES,
  CURRENT_SCHEMA,
  RELEASED_SCHEMA,
  checkSchema,
  onlyDropsNonNull,
  parseAllowList,
  readAllowList,
  type AllowedChange,
} from '../../scripts/schema-check.ts';

const sdl = /* GraphQL */ `
  type Query {
    order(id: ID!): Order!
    orders: [Order!]!
  }
  type Order {
    id: ID!
    status: String!
    note: String
  }
`;

const nullableRoots: AllowedChange = {
  type: 'FIELD_TYPE_CHANGED',
  path: 'Query.*',
  nullableOnly: true,
  reason: 'roots are nullable',
};

describe('npm run schema:check', () => {
  it('the API schema has no breaking change against schema/released/ beyond the reasoned allow-list', async () => {
    const check = await checkSchema(
      readFileSync(RELEASED_SCHEMA, 'utf8'),
      readFileSync(CURRENT_SCHEMA, 'utf8'),
      readAllowList(ALLOWED_CHANGES),
    );
    expect(check.breaking.map((c) => c.message)).toEqual([]);
  });

  it('fails a removed field and a field that became non-null-breaking', async () => {
    const next = sdl.replace('note: String\n', '').replace('status: String!', 'status: Int!');
    const check = await checkSchema(sdl, next, []);
    expect(check.breaking.map((c) => c.path).sort()).toEqual(['Order.note', 'Order.status']);
  });

  it('lets a root field lose its ! through a nullableOnly entry, and nothing else through it', async () => {
    const next = sdl
      .replace('order(id: ID!): Order!', 'order(id: ID!): Order')
      .replace('orders: [Order!]!', 'orders: [Order]')
      .replace('status: String!', 'status: String');
    const check = await checkSchema(sdl, next, [nullableRoots]);
    expect(check.allowed.map((a) => a.change.path).sort()).toEqual(['Query.order', 'Query.orders']);
    // Order is not a root type: the same change there is not covered by the entry
    expect(check.breaking.map((c) => c.path)).toEqual(['Order.status']);

    const retyped = sdl.replace('order(id: ID!): Order!', 'order(id: ID!): String');
    expect((await checkSchema(sdl, retyped, [nullableRoots])).breaking.map((c) => c.path)).toEqual([
      'Query.order',
    ]);
  });

  it('reports deprecations and additions without failing, and names unused allow-list entries', async () => {
    const next = sdl
      .replace('note: String', 'note: String @deprecated(reason: "use status")')
      .replace('id: ID!\n    status', 'id: ID!\n    createdAt: String\n    status');
    const check = await checkSchema(sdl, next, [nullableRoots]);
    expect(check.breaking).toEqual([]);
    expect(check.deprecations.map((c) => c.message)).toEqual(["Field 'Order.note' is deprecated"]);
    expect(check.safe.map((c) => c.path)).toContain('Order.createdAt');
    expect(check.unused).toEqual([nullableRoots]);
  });

  it('reads only drops of ! as nullable-only', () => {
    expect(onlyDropsNonNull('[Int!]!', '[Int]')).toBe(true);
    expect(onlyDropsNonNull('Order!', 'Order')).toBe(true);
    expect(onlyDropsNonNull('Order', 'Order!')).toBe(false);
    expect(onlyDropsNonNull('Order!', 'Order!')).toBe(false);
    expect(onlyDropsNonNull('[Int!]!', 'Int')).toBe(false);
  });

  it('refuses an allow-list entry without a reason', () => {
    expect(() => parseAllowList('[{"type":"X","path":"Query.a"}]')).toThrow(
      /reason/,
    );
  });
});
