import { createHash, timingSafeEqual } from 'node:crypto';

/** Header the gateway adds to every subgraph call; subgraphs refuse calls without it. */
export const GATEWAY_SECRET_HEADER = 'x-gateway-secret';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * A constant-time check of a secret that does not leak its length either; the expected
 * digest is computed once, not on every request.
 */
export function secretChecker(expected: string): (given: string | undefined) => boolean {
  const want = digest(expected);
  return (given) => given !== undefined && timingSafeEqual(digest(given), want);
}

export function secretMatches(given: string | undefined, expected: string): boolean {
  return secretChecker(expected)(given);
}
