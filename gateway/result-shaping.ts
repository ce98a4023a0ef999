import { createRequire } from 'node:module';
import type {
  CompositeType,
  Field,
  FieldSelection,
  FragmentElement,
  NamedType,
  Operation,
  OutputType,
  Selection,
  SelectionSet,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';
import type * as Federation from '@apollo/federation-internals';

/**
 * @apollo/gateway's `computeResponse` (dist/resultShaping.js, 2.14), the step that turns the
 * merged subgraph answers into the client's answer, rewritten to do per selection what the
 * library does per value. Same input, same output, same errors, same throws:
 * test/gateway/result-shaping.test.ts runs both on the app's operations and on generated answers,
 * broken ones included.
 *
 * Why: the library walks every value of the answer with the operation's selection objects, and
 * for each field of each item evaluates its @skip/@include directives, reads its definition,
 * response name and introspection flag, and allocates an argument object and a result object per
 * call. For the 250 orders of `smmOrders` (1,750 leaves) that took about 360 µs of the request's
 * ~3.5 ms. Here each selection set's fields are read once per answer, directives once per
 * selection, and nothing is allocated per leaf.
 *
 * The library's copy is replaced in its module's exports, which @apollo/gateway's executor reads
 * at each call (`(0, resultShaping_1.computeResponse)(…)`); `useFastResultShaping` fails at start
 * if that module is not where this was written against.
 */

const gatewayRequire = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
const shaping = gatewayRequire('./resultShaping.js') as { computeResponse: ComputeResponse };
const fi = gatewayRequire('@apollo/federation-internals') as typeof Federation;

// the library's, typed as a plain call: each is reached only when its condition fails, so that the
// message closures are not built per value
const assert: (condition: unknown, message: string | (() => string)) => void = fi.assert;

type Variables = Record<string, unknown>;
export type ComputeResponse = (args: {
  operation: Operation;
  variables?: Variables;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: FieldSelection) => unknown;
}) => { data: Record<string, unknown> | null | undefined; errors: GraphQLError[] };

/** The library's own, kept for the equivalence tests. */
export const libraryComputeResponse: ComputeResponse = shaping.computeResponse;

/** Installs `computeResponse` in @apollo/gateway (idempotent). */
export function useFastResultShaping(): void {
  if (typeof libraryComputeResponse !== 'function' || libraryComputeResponse.length !== 1) {
    throw new Error('@apollo/gateway/dist/resultShaping.js is not the one result-shaping.ts replaces');
  }
  shaping.computeResponse = computeResponse;
}

/** One selection of a selection set, read once per answer. */
interface Entry {
  selection: Selection;
  /** @skip/@include, read when the walk first reaches it (as the library, which throws there) */
  skip: boolean | undefined;
  field: Field | undefined;
  responseName: string;
  type: OutputType | undefined;
  introspection: boolean;
  typename: boolean;
  typeCondition: CompositeType | undefined;
  selectionSet: SelectionSet | undefined;
}

interface Params {
  schema: ReturnType<Operation['schema']>;
  variables: Variables;
  errors: GraphQLError[];
  introspectionHandling: (selection: FieldSelection) => unknown;
  entries: Map<SelectionSet, Entry[]>;
}

/**
 * An answer object. The library's are `Object.create(null)`, so that a field aliased `__proto__`
 * is a field and nothing is inherited; V8 keeps such objects as hash tables, slow to fill and
 * about twice as slow to stringify (250 orders: 63 against 24 µs to build, 95 against 48 µs for
 * JSON.stringify). These have a prototype that is itself prototype-less and empty: the same two
 * guarantees, with V8's fast properties.
 */
const Output = function (this: Record<string, unknown>) {} as unknown as new () => Record<string, unknown>;
Output.prototype = Object.create(null) as object;

/** isValidLeafValue of the library, with its per-type questions asked once per type. */
const leafChecks = new WeakMap<NamedType, (value: unknown) => boolean>();
const INTEGER_TEXT = /^-?(?:0|[1-9][0-9]*)$/;

function leafCheck(schema: Params['schema'], type: NamedType): (value: unknown) => boolean {
  let check = leafChecks.get(type);
  if (check) return check;
  if (fi.isCustomScalarType(type)) {
    check = () => true;
  } else {
    const isBoolean = type === schema.booleanType();
    const isInt = type === schema.intType();
    const isIntOrId = isInt || type === schema.idType();
    const isFloat = type === schema.floatType();
    const enumType = fi.isEnumType(type) ? type : undefined;
    check = (value) => {
      if (typeof value === 'boolean') return isBoolean;
      if (typeof value === 'number' && isFinite(value)) {
        return isIntOrId ? INTEGER_TEXT.test(String(value)) : isFloat;
      }
      if (typeof value === 'string') {
        return enumType ? enumType.value(value) !== undefined : !isBoolean && !isInt && !isFloat;
      }
      return false;
    };
  }
  leafChecks.set(type, check);
  return check;
}

const OK = 0;
const NULL_BUBBLE_UP = 1;

// What the last updateOutputValue call returned besides its value (the library returns
// `{ updated, isInvalid, hasErrors }` objects; read right after each call).
let isInvalid = false;
let hasErrors = false;

export const computeResponse: ComputeResponse = ({ operation, variables, input, introspectionHandling }) => {
  if (!input) {
    return { data: input, errors: [] };
  }
  const schema = operation.schema();
  const params: Params = {
    schema,
    variables: {
      __proto__: null,
      ...operation.collectDefaultedVariableValues(),
      ...variables,
    } as Variables,
    errors: [],
    introspectionHandling,
    entries: new Map(),
  };
  const data = new Output();
  const res = applySelectionSet(
    params,
    input,
    operation.selectionSet,
    data,
    [],
    schema.schemaDefinition.rootType(operation.rootKind)!,
  );
  return { data: res === NULL_BUBBLE_UP ? null : data, errors: params.errors };
};

function entriesOf(params: Params, selectionSet: SelectionSet): Entry[] {
  let entries = params.entries.get(selectionSet);
  if (entries) return entries;
  entries = [];
  for (const selection of selectionSet.selections()) {
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      entries.push({
        selection,
        skip: undefined,
        field,
        responseName: field.responseName(),
        type: field.definition.type,
        introspection: field.definition.isSchemaIntrospectionField(),
        typename: field.name === fi.typenameFieldName,
        typeCondition: undefined,
        selectionSet: selection.selectionSet,
      });
    } else {
      entries.push({
        selection,
        skip: undefined,
        field: undefined,
        responseName: '',
        type: undefined,
        introspection: false,
        typename: false,
        typeCondition: (selection.element as FragmentElement).typeCondition,
        selectionSet: selection.selectionSet,
      });
    }
  }
  params.entries.set(selectionSet, entries);
  return entries;
}

function shouldSkip(entry: Entry, params: Params): boolean {
  const element = entry.selection.element;
  const skipDirective = element.appliedDirectivesOf(params.schema.skipDirective())[0];
  const includeDirective = element.appliedDirectivesOf(params.schema.includeDirective())[0];
  return !!(
    (skipDirective && ifValue(skipDirective, params.variables)) ||
    (includeDirective && !ifValue(includeDirective, params.variables))
  );
}

function ifValue(directive: { arguments(): unknown }, variables: Variables): boolean {
  const ifArg = (directive.arguments() as { if: unknown }).if;
  if (ifArg instanceof fi.Variable) {
    const value = variables[ifArg.name];
    assert(
      value !== undefined && typeof value === 'boolean',
      () => `Unexpected value ${String(value)} for variable ${String(ifArg)} of ${String(directive)}`,
    );
    return value as boolean;
  }
  return ifArg as boolean;
}

function typeConditionApplies(
  schema: Params['schema'],
  typeCondition: CompositeType | undefined,
  typename: string | undefined,
  parentType: CompositeType,
): boolean {
  if (!typeCondition) return true;
  if (typename) {
    const type = schema.type(typename);
    return !!type && fi.isSubtype(typeCondition, type);
  }
  return fi.isSubtype(typeCondition, parentType);
}

function applySelectionSet(
  params: Params,
  input: Record<string, unknown>,
  selectionSet: SelectionSet,
  output: Record<string, unknown>,
  path: Array<string | number>,
  parentType: CompositeType,
): number {
  for (const entry of entriesOf(params, selectionSet)) {
    if (entry.skip ?? (entry.skip = shouldSkip(entry, params))) continue;
    if (entry.field) {
      const responseName = entry.responseName;
      const outputValue = output[responseName];
      if (entry.introspection) {
        if (outputValue === undefined) {
          output[responseName] = params.introspectionHandling(entry.selection as FieldSelection);
        }
        continue;
      }
      let inputValue =
        (Object.prototype.hasOwnProperty.call(input, responseName) ? input[responseName] : undefined) ?? null;
      if (entry.typename) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== fi.typenameFieldName) {
            inputValue = input[fi.typenameFieldName] ?? null;
          }
          const type: NamedType | CompositeType =
            inputValue !== null && typeof inputValue === 'string'
              ? (params.schema.type(inputValue) ?? parentType)
              : parentType;
          if (!fi.isObjectType(type)) {
            return NULL_BUBBLE_UP;
          }
          output[responseName] = type.name;
        }
        continue;
      }
      path.push(responseName);
      const updated = updateOutputValue(
        params,
        outputValue,
        entry.type!,
        inputValue,
        entry.selectionSet,
        path,
        parentType,
      );
      const invalid = isInvalid;
      output[responseName] = updated;
      path.pop();
      if (invalid) {
        return NULL_BUBBLE_UP;
      }
    } else {
      const typename = input[fi.typenameFieldName];
      if (typename && typeof typename !== 'string') {
        assert(false, () => `Got unexpected value for __typename: ${String(typename)}`);
      }
      if (
        typeConditionApplies(params.schema, entry.typeCondition, typename as string | undefined, parentType)
      ) {
        const res = applySelectionSet(
          params,
          input,
          entry.selectionSet!,
          output,
          path,
          entry.typeCondition ?? parentType,
        );
        if (res === NULL_BUBBLE_UP) {
          return NULL_BUBBLE_UP;
        }
      }
    }
  }
  return OK;
}

function pathLastElementDescription(
  path: Array<string | number>,
  currentType: OutputType,
  parentType: CompositeType,
): string {
  const element = path[path.length - 1];
  assert(element !== undefined, 'Should not have been called on an empty path');
  return typeof element === 'string'
    ? `field ${String(parentType)}.${element}`
    : `array element of type ${String(currentType)} at index ${element}`;
}

/** The library's updateOutputValue; its `isInvalid` and `hasErrors` are left in the module's. */
function updateOutputValue(
  params: Params,
  outputValue: unknown,
  type: OutputType,
  inputValue: unknown,
  selectionSet: SelectionSet | undefined,
  path: Array<string | number>,
  parentType: CompositeType,
): unknown {
  if (outputValue === null || (outputValue !== undefined && !selectionSet)) {
    isInvalid = hasErrors = false;
    return outputValue;
  }
  if (fi.isNonNullType(type)) {
    const updated = updateOutputValue(
      params,
      outputValue,
      type.ofType,
      inputValue,
      selectionSet,
      path,
      parentType,
    );
    if (updated === null) {
      if (!hasErrors) {
        params.errors.push(
          fi.ERRORS.INVALID_GRAPHQL.err(
            `Cannot return null for non-nullable ${pathLastElementDescription(path, type.ofType, parentType)}.`,
            { path: Array.from(path) },
          ),
        );
      }
      isInvalid = hasErrors = true;
      return updated;
    }
    // as the library: a non-null value's errors are not passed up
    isInvalid = hasErrors = false;
    return updated;
  }
  if (inputValue === null) {
    isInvalid = hasErrors = false;
    return null;
  }
  if (fi.isListType(type)) {
    if (!Array.isArray(inputValue)) {
      assert(
        false,
        () =>
          `Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${String(type)}`,
      );
    }
    if (outputValue !== undefined && !Array.isArray(outputValue)) {
      assert(
        false,
        () =>
          `Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${String(type)}`,
      );
    }
    const inputList = inputValue as unknown[];
    const outputList =
      outputValue === undefined
        ? new Array<unknown>(inputList.length).fill(undefined)
        : (outputValue as unknown[]);
    if (inputList.length !== outputList.length) {
      assert(
        false,
        () =>
          `[${String(inputList)}].length (${inputList.length}) !== [${String(outputList)}].length (${outputList.length})`,
      );
    }
    let shouldNullify = false;
    let listHasErrors = false;
    const updated = new Array<unknown>(outputList.length);
    const itemType = type.ofType;
    for (let idx = 0; idx < outputList.length; idx++) {
      path.push(idx);
      updated[idx] = updateOutputValue(
        params,
        outputList[idx],
        itemType,
        inputList[idx],
        selectionSet,
        path,
        parentType,
      );
      path.pop();
      shouldNullify ||= isInvalid;
      listHasErrors ||= hasErrors;
    }
    isInvalid = false;
    hasErrors = listHasErrors;
    return shouldNullify ? null : updated;
  }
  if (fi.isCompositeType(type)) {
    assert(selectionSet, () => `Invalid empty selection set for composite type ${String(type)}`);
    if (typeof inputValue !== 'object') {
      assert(
        false,
        () =>
          `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${String(type)}`,
      );
    }
    if (outputValue !== undefined && typeof outputValue !== 'object') {
      assert(
        false,
        () =>
          `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${String(type)}`,
      );
    }
    const input = inputValue as Record<string, unknown>;
    const inputTypename = input[fi.typenameFieldName];
    if (inputTypename !== undefined && typeof inputTypename !== 'string') {
      assert(
        false,
        () => `Invalid non-string value ${String(inputTypename)} for __typename at ${String(path)}`,
      );
    }
    let objType: CompositeType = type;
    if (inputTypename) {
      const typenameType = params.schema.type(inputTypename as string);
      if (!typenameType || !fi.isCompositeType(typenameType)) {
        params.errors.push(
          fi.ERRORS.INVALID_GRAPHQL.err(
            `Invalid __typename found for object at ${pathLastElementDescription(path, type, parentType)}.`,
            { path: Array.from(path) },
          ),
        );
        isInvalid = false;
        hasErrors = true;
        return null;
      }
      objType = typenameType;
    }
    const outputObject = outputValue === undefined ? new Output() : (outputValue as Record<string, unknown>);
    const res = applySelectionSet(params, input, selectionSet!, outputObject, path, objType);
    isInvalid = false;
    hasErrors = res === NULL_BUBBLE_UP;
    return hasErrors ? null : outputObject;
  }
  if (outputValue !== undefined) {
    assert(false, () => `Excepted output to be undefined but got ${String(type)} for type ${String(type)}`);
  }
  const isValidValue = leafCheck(params.schema, type as NamedType)(inputValue);
  if (!isValidValue) {
    params.errors.push(
      fi.ERRORS.INVALID_GRAPHQL.err(
        `Invalid value found for ${pathLastElementDescription(path, type, parentType)}.`,
        {
          path: Array.from(path),
        },
      ),
    );
  }
  isInvalid = false;
  hasErrors = !isValidValue;
  return isValidValue ? inputValue : null;
}
