import { useState } from 'react';

/** A fresh idempotency key (crypto.randomUUID needs a secure context; this does not). */
export const newKey = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * One idempotency key per attempt at a money-moving mutation: kept while the input stays the
 * same, so a double click or a retry after an unknown outcome is answered from the first call
 * and never runs twice; a changed input (which the gateway would refuse under the old key) or
 * `asNew` starts a new attempt, and so does `done()` after a definite outcome.
 */
export function useAttempt() {
  const [attempt, setAttempt] = useState<{ key: string; sent?: string }>(() => ({ key: newKey() }));
  return {
    keyFor(input: unknown, asNew = false): string {
      const sent = JSON.stringify(input);
      const key = asNew || (attempt.sent !== undefined && attempt.sent !== sent) ? newKey() : attempt.key;
      setAttempt({ key, sent });
      return key;
    },
    done() {
      setAttempt({ key: newKey() });
    },
  };
}
