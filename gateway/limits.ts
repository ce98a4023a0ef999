import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type GraphQLFormattedError,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import { envInt } from '../lib/env.ts';
import { rejectedRequests } from '../lib/metrics.ts';
import { publicMessage } from '../lib/http-errors.ts';

/** Every limit of the gateway; 0 turns one off. */
export interface GatewayLimits {
  /** GRAPHQL_MAX_DEPTH: nesting of fields (fragments do not count) */
  maxDepth: number;
  /** GRAPHQL_MAX_COST: graphql-armor's static cost (objects 2, scalars 1, ×1.5 per level) */
  maxCost: number;
  /** GRAPHQL_MAX_ALIASES */
  maxAliases: number;
  /** GRAPHQL_MAX_DIRECTIVES */
  maxDirectives: number;
  /** GRAPHQL_MAX_TOKENS: lexical tokens of the document, checked while parsing */
  maxTokens: number;
  /** GRAPHQL_MAX_LIST_ITEMS: items of one list argument (literal or variable) */
  maxListItems: number;
  /** GRAPHQL_MAX_TOTAL_LIST_ITEMS: items of all list arguments of one request, each use counted */
  maxTotalListItems: number;
  /** GATEWAY_MAX_BODY_BYTES: largest request body */
  maxBodyBytes: number;
}

export function gatewayLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayLimits {
  return {
    maxDepth: envInt('GRAPHQL_MAX_DEPTH', 10, env),
    maxCost: envInt('GRAPHQL_MAX_COST', 5000, env),
    maxAliases: envInt('GRAPHQL_MAX_ALIASES', 20, env),
    maxDirectives: envInt('GRAPHQL_MAX_DIRECTIVES', 50, env),
    maxTokens: envInt('GRAPHQL_MAX_TOKENS', 5000, env),
    maxListItems: envInt('GRAPHQL_MAX_LIST_ITEMS', 2000, env),
    maxTotalListItems: envInt('GRAPHQL_MAX_TOTAL_LIST_ITEMS', 5000, env),
    maxBodyBytes: envInt('GATEWAY_MAX_BODY_BYTES', 1024 * 1024, env),
  };
}

const onReject =
  (limit: string) =>
  (ctx: ValidationContext | null, error: GraphQLError): void => {
    rejectedRequests.inc({ reason: `max_${limit}` });
    // armor words every refusal as a "Syntax Error:"; it is not one
    const message = error.message.replace(/^Syntax Error: /, '');
    ctx?.reportError(new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', limit } }));
  };

/**
 * Validation rules and plugins for depth, cost, aliases and directives (graphql-armor), plus
 * field suggestions hidden in production ("Did you mean" would map the schema for a stranger).
 */
export function armorProtection(limits: GatewayLimits, production: boolean) {
  const rule = (n: number, limit: string) => ({
    enabled: n > 0,
    propagateOnRejection: false,
    onReject: [onReject(limit)],
  });
  const armor = new ApolloArmor({
    maxDepth: { ...rule(limits.maxDepth, 'depth'), n: limits.maxDepth, flattenFragments: true },
    costLimit: { ...rule(limits.maxCost, 'cost'), maxCost: limits.maxCost },
    maxAliases: { ...rule(limits.maxAliases, 'aliases'), n: limits.maxAliases },
    maxDirectives: { ...rule(limits.maxDirectives, 'directives'), n: limits.maxDirectives },
    // graphql-js counts tokens itself (parseOptions.maxTokens): one parser, one error shape
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins: plugins as ApolloServerPlugin[], validationRules };
}

/** How many list items a value holds, counting nested lists; `largest` is the longest single list. */
function countJson(v: unknown, acc: { total: number; largest: number }): void {
  if (Array.isArray(v)) {
    acc.total += v.length;
    acc.largest = Math.max(acc.largest, v.length);
    for (const item of v) countJson(item, acc);
  } else if (v !== null && typeof v === 'object') {
    for (const item of Object.values(v)) countJson(item, acc);
  }
}

function countAst(
  node: ValueNode,
  variables: Record<string, unknown>,
  acc: { total: number; largest: number },
): void {
  switch (node.kind) {
    case Kind.LIST:
      acc.total += node.values.length;
      acc.largest = Math.max(acc.largest, node.values.length);
      for (const v of node.values) countAst(v, variables, acc);
      break;
    case Kind.OBJECT:
      for (const f of node.fields) countAst(f.value, variables, acc);
      break;
    case Kind.VARIABLE:
      countJson(variables[node.name.value], acc);
      break;
    default:
  }
}

// Apollo Server hands every request of one query text the same cached DocumentNode: its
// arguments are found once, not by a walk of the whole document on every request.
const argumentValues = new WeakMap<DocumentNode, ValueNode[]>();
function argumentValuesOf(document: DocumentNode): ValueNode[] {
  let values = argumentValues.get(document);
  if (!values) {
    const found: ValueNode[] = [];
    visit(document, {
      Argument(node) {
        found.push(node.value);
      },
    });
    argumentValues.set(document, (values = found));
  }
  return values;
}

/**
 * Caps the ids (and other list items) one request may hand to the subgraphs: per list and in
 * total, counting a variable each time it is used, so aliases cannot multiply a big list.
 */
export function listItemsPlugin(limits: GatewayLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          if (limits.maxListItems <= 0 && limits.maxTotalListItems <= 0) return;
          const acc = { total: 0, largest: 0 };
          const variables = request.variables ?? {};
          for (const value of argumentValuesOf(document)) countAst(value, variables, acc);
          const refuse = (reason: string, message: string) => {
            rejectedRequests.inc({ reason });
            throw new GraphQLError(message, {
              extensions: { code: 'BAD_USER_INPUT', limit: reason, http: { status: 400 } },
            });
          };
          if (limits.maxListItems > 0 && acc.largest > limits.maxListItems) {
            refuse(
              'list_items',
              `A list argument holds ${acc.largest} items; at most ${limits.maxListItems} are accepted per list`,
            );
          }
          if (limits.maxTotalListItems > 0 && acc.total > limits.maxTotalListItems) {
            refuse(
              'total_list_items',
              `The request's list arguments hold ${acc.total} items in all; at most ${limits.maxTotalListItems} are accepted per request`,
            );
          }
        },
      };
    },
  };
}

/**
 * Apollo Server words a persisted query whose hash does not match its text as an internal error
 * (400, INTERNAL_SERVER_ERROR); it is the caller's mistake, and counting it as ours would hide
 * real ones in the errors-by-code metric.
 */
export function formatGatewayError(
  formatted: GraphQLFormattedError,
  production = process.env.NODE_ENV === 'production',
): GraphQLFormattedError {
  const message = publicMessage(formatted.message, production);
  if (formatted.message === 'provided sha does not match query') {
    return { ...formatted, message, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
  }
  return message === formatted.message ? formatted : { ...formatted, message };
}
