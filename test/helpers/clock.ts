import { vi } from 'vitest';

/**
 * Moves Date.now() forward for everything in this process (the stack of a test runs in it), so
 * a test reaches a time-based state (a circuit's half-open delay, read by cockatiel from
 * Date.now) by moving the clock instead of sleeping. Time still runs; it is only ever moved
 * forward, between requests. restore() puts the real clock back.
 */
export function shiftableClock() {
  const real = Date.now.bind(Date);
  let offset = 0;
  const spy = vi.spyOn(Date, 'now').mockImplementation(() => real() + offset);
  return {
    advance(ms: number) {
      offset += ms;
    },
    restore() {
      spy.mockRestore();
    },
  };
}
