import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  breakerFor,
  breakerSettingsFromEnv,
  breakerStates,
  CircuitOpenError,
  configureBreakers,
  UpstreamBreaker,
} from '../../subgraphs/shared/breaker.ts';

const make = (upstream: string) => (s: { threshold: number; halfOpenMs: number }) =>
  new UpstreamBreaker(
    upstream,
    'smm',
    s,
    (e) => e.message === 'transport',
    (r) => (r as { status: number }).status >= 500,
  );
const fail = () => Promise.reject(new Error('transport'));

afterEach(() => {
  vi.useRealTimers();
  configureBreakers(breakerSettingsFromEnv({}));
});

describe('breakerSettingsFromEnv', () => {
  it('reads BREAKER_THRESHOLD and BREAKER_HALF_OPEN_MS, refusing nonsense', () => {
    expect(breakerSettingsFromEnv({})).toEqual({ threshold: 5, halfOpenMs: 10_000 });
    expect(breakerSettingsFromEnv({ BREAKER_THRESHOLD: '0', BREAKER_HALF_OPEN_MS: '250' })).toEqual({
      threshold: 0,
      halfOpenMs: 250,
    });
    expect(() => breakerSettingsFromEnv({ BREAKER_THRESHOLD: '-1' })).toThrow(/BREAKER_THRESHOLD/);
  });
});

describe('UpstreamBreaker', () => {
  it('is off with threshold 0', () => {
    configureBreakers({ threshold: 0, halfOpenMs: 10 });
    expect(breakerFor('x', make('smm/x'))).toBeNull();
  });

  it('opens after consecutive failures, counts 5xx results, ignores other errors, and resets on success', async () => {
    // cockatiel reads Date.now for the half-open delay: a frozen clock, moved instead of waited on
    vi.useFakeTimers({ toFake: ['Date'] });
    const b = breakerFor('x', make('smm/x'), { threshold: 2, halfOpenMs: 50 })!;
    await expect(b.execute(() => Promise.reject(new Error('business')))).rejects.toThrow('business');
    await expect(b.execute(async () => ({ status: 503 }))).resolves.toEqual({ status: 503 });
    await expect(b.execute(async () => ({ status: 200 }))).resolves.toEqual({ status: 200 });
    await expect(b.execute(fail)).rejects.toThrow('transport');
    expect(b.state).toBe('closed');
    await expect(b.execute(async () => ({ status: 500 }))).resolves.toEqual({ status: 500 });
    expect(b.state).toBe('open');
    expect(breakerStates()).toEqual([{ upstream: 'smm/x', api: 'smm', state: 'open' }]);

    let called = 0;
    await expect(b.execute(async () => ++called)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(0);
    vi.advanceTimersByTime(49);
    await expect(b.execute(async () => ++called)).rejects.toBeInstanceOf(CircuitOpenError);
    vi.advanceTimersByTime(1);
    await expect(b.execute(async () => ({ status: 200, n: ++called }))).resolves.toMatchObject({ n: 1 });
    expect(b.state).toBe('closed');
  });

  it('keeps one circuit per key', () => {
    const a = breakerFor('a', make('smm/a'), { threshold: 1, halfOpenMs: 10 });
    expect(breakerFor('a', make('smm/other'))).toBe(a);
    expect(breakerFor('b', make('smm/b'), { threshold: 1, halfOpenMs: 10 })).not.toBe(a);
    expect(breakerStates('smm').map((s) => s.upstream)).toEqual(['smm/a', 'smm/b']);
    expect(breakerStates('solsub')).toEqual([]);
  });
});
