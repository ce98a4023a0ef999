// WORKERS: what the setting accepts, and when the primary restarts a dead worker or gives up.
import { describe, expect, it } from 'vitest';
import { afterCrash, DEFAULT_CRASH_POLICY } from '../../lib/cluster.ts';
import { ConfigError, workersFromEnv } from '../../lib/config.ts';

describe('WORKERS', () => {
  it('defaults to the given count, and takes a whole number from 1 to 64', () => {
    expect(workersFromEnv(2, {})).toBe(2);
    expect(workersFromEnv(2, { WORKERS: '' })).toBe(2);
    expect(workersFromEnv(2, { WORKERS: '1' })).toBe(1);
    expect(workersFromEnv(1, { WORKERS: '64' })).toBe(64);
    // a machine with more cores than that still gets a valid default
    expect(workersFromEnv(200, {})).toBe(64);
  });

  it.each(['0', '65', '1.5', 'two', '-1'])('refuses %s, naming the setting', (value) => {
    expect(() => workersFromEnv(2, { WORKERS: value })).toThrow(ConfigError);
    expect(() => workersFromEnv(2, { WORKERS: value })).toThrow(/^WORKERS: must be a whole number/);
  });
});

describe('a worker that dies', () => {
  it('is restarted after a backoff that doubles with each death in the window', () => {
    const deaths: number[] = [];
    const delays = [0, 1, 2, 3, 4].map((i) => afterCrash(deaths, 1_000 + i));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000].map((restartInMs) => ({ restartInMs })));
  });

  it('past the limit within the window, the primary gives up', () => {
    const deaths: number[] = [];
    for (let i = 0; i < DEFAULT_CRASH_POLICY.limit; i++) expect(afterCrash(deaths, i)).not.toBe('give up');
    expect(afterCrash(deaths, 10)).toBe('give up');
  });

  it('deaths older than the window are forgotten', () => {
    const deaths: number[] = [];
    for (let i = 0; i < DEFAULT_CRASH_POLICY.limit; i++) afterCrash(deaths, i);
    expect(afterCrash(deaths, DEFAULT_CRASH_POLICY.windowMs + 10)).toEqual({ restartInMs: 250 });
  });

  it('the backoff stops growing at its maximum', () => {
    const policy = { ...DEFAULT_CRASH_POLICY, limit: 100 };
    const deaths: number[] = [];
    let last: ReturnType<typeof afterCrash> = 'give up';
    for (let i = 0; i < 20; i++) last = afterCrash(deaths, i, policy);
    expect(last).toEqual({ restartInMs: policy.maxDelayMs });
  });
});
