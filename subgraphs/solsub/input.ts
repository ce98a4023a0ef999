import { badInput } from '../shared/errors.ts';

// The seed says alphanumeric and its own example is MATCH_001; "-" is common in generated ids.
const MATCH_ID = /^[A-Za-z0-9_-]+$/;
export const MAX_MATCH_ID_LENGTH = 64;

/** Why a Match ID is refused before any call, or null when it is acceptable. */
export function matchIdProblem(id: string): string | null {
  if (id.length === 0) return 'must not be empty';
  if (id.length > MAX_MATCH_ID_LENGTH) return `must be at most ${MAX_MATCH_ID_LENGTH} characters`;
  if (!MATCH_ID.test(id)) return 'may only contain letters, digits, "_" and "-"';
  return null;
}

/** Refuses (BAD_USER_INPUT) a list with a bad Match ID or more entries than allowed. */
export function checkMatchIds(ids: readonly string[], field: string, max?: number): void {
  if (max !== undefined && ids.length > max) throw badInput(`${field}: at most ${max} Match IDs`, [field]);
  ids.forEach((id, i) => {
    const problem = matchIdProblem(id);
    if (problem) {
      const path = max === undefined ? [field] : [field, String(i)];
      throw badInput(`${path.join('.')} ${problem}, got ${JSON.stringify(id.slice(0, 40))}`, path);
    }
  });
}
