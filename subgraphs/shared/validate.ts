import { badInput } from './errors.ts';

const DIGITS = /^\d{1,20}$/;

/**
 * Ids that will be comma-joined or put in a path must be digits only: `"1,2"` would smuggle
 * a second id into the call and `"../x"` would change the path. Refused before any call.
 */
export function digitIds(ids: readonly string[], field: string, max?: number): string[] {
  if (max !== undefined && ids.length > max) throw badInput(`${field}: at most ${max} ids`, [field]);
  ids.forEach((id, i) => {
    if (!DIGITS.test(id)) {
      throw badInput(`${field}[${i}] must be digits only, got ${JSON.stringify(id.slice(0, 40))}`, [
        field,
        String(i),
      ]);
    }
  });
  return [...ids];
}

export const digitId = (id: string, field: string): string => digitIds([id], field)[0]!;

export const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
