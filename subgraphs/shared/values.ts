/**
 * Upstream values arrive as strings on some servers and numbers on others; parseJsonExact
 * hands every number over as its source text, so these helpers only ever see strings.
 */

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** An exact decimal string, or null. `"+12"` → `"12"`; `"0.27819"` stays `"0.27819"`. */
export function toDecimal(v: unknown): string | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).trim();
  if (!DECIMAL.test(s) || /[eE]/.test(s)) return null;
  return s.startsWith('+') ? s.slice(1) : s;
}

/** An integer within JS safe range, or null for anything else (`"Unknown"`, `""`, `"1.5"`). */
export function toInt(v: unknown): number | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).trim();
  if (!/^[+-]?\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

export function toStr(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return null;
}

export function toBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === '1' || v === 'true' || v === 1) return true;
  if (v === '0' || v === 'false' || v === 0) return false;
  return null;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Normalises an upstream enum-ish string: `In progress`, `in_progress`, `IN-PROGRESS` → `IN_PROGRESS`. */
export const enumKey = (s: string) =>
  s
    .trim()
    .replace(/[\s-]+/g, '_')
    .replace(/[^A-Za-z0-9_]/g, '')
    .toUpperCase();
