import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'graphql';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';

export const CURRENT_SCHEMA = new URL('../schema/api-schema.graphql', import.meta.url);
export const RELEASED_SCHEMA = new URL('../schema/released/api-schema.graphql', import.meta.url);
export const ALLOWED_CHANGES = new URL('../schema/released/allowed-changes.json', import.meta.url);

/**
 * One breaking change let through on purpose. `path` is a coordinate (`Query.order`) or a type
 * followed by `.*` (every field of it); `nullableOnly` narrows a type change to dropping `!`s.
 */
export interface AllowedChange {
  type: string;
  path: string;
  nullableOnly?: boolean;
  reason: string;
}

export interface SchemaCheck {
  /** breaking and not allowed: the check fails */
  breaking: Change[];
  /** breaking but listed in the allow-list, with the entry that let it through */
  allowed: Array<{ change: Change; entry: AllowedChange }>;
  /** may change behaviour for some clients (a default changed, an enum value added): reported */
  dangerous: Change[];
  deprecations: Change[];
  safe: Change[];
  /** allow-list entries no change used: stale once the schema is released again */
  unused: AllowedChange[];
}

/** `a` with some of its `!` removed and nothing else changed (`[Int!]!` → `[Int]`). */
export function onlyDropsNonNull(from: string, to: string): boolean {
  let j = 0;
  for (const ch of from) {
    if (to[j] === ch) j++;
    else if (ch !== '!') return false;
  }
  return j === to.length && from !== to;
}

function matches(entry: AllowedChange, change: Change): boolean {
  if (entry.type !== change.type || !change.path) return false;
  const pathOk = entry.path.endsWith('.*')
    ? change.path.startsWith(entry.path.slice(0, -1)) &&
      !change.path.slice(entry.path.length - 1).includes('.')
    : change.path === entry.path;
  if (!pathOk) return false;
  if (!entry.nullableOnly) return true;
  const meta = change.meta as { oldFieldType?: string; newFieldType?: string };
  return (
    typeof meta.oldFieldType === 'string' &&
    typeof meta.newFieldType === 'string' &&
    onlyDropsNonNull(meta.oldFieldType, meta.newFieldType)
  );
}

export function parseAllowList(json: string, source = 'allowed-changes.json'): AllowedChange[] {
  const list = JSON.parse(json) as AllowedChange[];
  for (const e of list) {
    if (!e.type || !e.path || !e.reason?.trim())
      throw new Error(`${source}: every entry needs a type, a path and a reason: ${JSON.stringify(e)}`);
  }
  return list;
}

export const readAllowList = (url: URL = ALLOWED_CHANGES): AllowedChange[] =>
  parseAllowList(readFileSync(url, 'utf8'), fileURLToPath(url));

/** Compares the API schema apps see with the last released one (graphql-inspector's rules). */
export async function checkSchema(
  releasedSdl: string,
  currentSdl: string,
  allowList: AllowedChange[],
): Promise<SchemaCheck> {
  const changes = await diff(buildSchema(releasedSdl), buildSchema(currentSdl));
  const out: SchemaCheck = {
    breaking: [],
    allowed: [],
    dangerous: [],
    deprecations: [],
    safe: [],
    unused: [],
  };
  const used = new Set<AllowedChange>();
  for (const change of changes) {
    const level = change.criticality.level;
    if (level === CriticalityLevel.Breaking) {
      const entry = allowList.find((e) => matches(e, change));
      if (entry) {
        used.add(entry);
        out.allowed.push({ change, entry });
      } else out.breaking.push(change);
    } else if (change.type.includes('DEPRECATION')) out.deprecations.push(change);
    else if (level === CriticalityLevel.Dangerous) out.dangerous.push(change);
    else out.safe.push(change);
  }
  out.unused = allowList.filter((e) => !used.has(e));
  return out;
}

export function report(check: SchemaCheck): string {
  const lines: string[] = [];
  const section = (title: string, items: string[]) => {
    if (items.length) lines.push(`${title} (${items.length}):`, ...items.map((s) => `  - ${s}`));
  };
  section(
    'BREAKING, not allowed',
    check.breaking.map((c) => c.message),
  );
  section(
    'breaking, allowed',
    check.allowed.map(({ change, entry }) => `${change.message} (${entry.reason})`),
  );
  section(
    'dangerous',
    check.dangerous.map((c) => c.message),
  );
  section(
    'deprecations',
    check.deprecations.map((c) => c.message),
  );
  section(
    'safe',
    check.safe.map((c) => c.message),
  );
  section(
    'allow-list entries no change used',
    check.unused.map((e) => `${e.type} ${e.path}`),
  );
  if (!lines.length) lines.push('no changes since the released schema');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const check = await checkSchema(
    readFileSync(RELEASED_SCHEMA, 'utf8'),
    readFileSync(CURRENT_SCHEMA, 'utf8'),
    readAllowList(),
  );
  console.log(report(check));
  if (check.breaking.length) {
    console.error(
      `\n${check.breaking.length} breaking change(s) against schema/released/api-schema.graphql. ` +
        'Make the change additive (add a field, deprecate the old one), or list it with its reason in ' +
        'schema/released/allowed-changes.json.',
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
