import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { logger } from '../../lib/logger.ts';
import { circuitStates } from '../../lib/metrics.ts';

export interface BreakerSettings {
  /** consecutive failed calls that open the circuit; 0 turns breakers off */
  threshold: number;
  /** how long an open circuit fails fast before one probe call may pass */
  halfOpenMs: number;
}

export const defaultBreakerSettings: BreakerSettings = { threshold: 5, halfOpenMs: 10_000 };

function nonNegativeInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

/** BREAKER_THRESHOLD (0 disables) and BREAKER_HALF_OPEN_MS. */
export function breakerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): BreakerSettings {
  return {
    threshold: nonNegativeInt(env, 'BREAKER_THRESHOLD', defaultBreakerSettings.threshold),
    halfOpenMs: nonNegativeInt(env, 'BREAKER_HALF_OPEN_MS', defaultBreakerSettings.halfOpenMs),
  };
}

export type BreakerStateName = 'closed' | 'open' | 'half-open';

const STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};
const STATE_VALUES: Record<BreakerStateName, number> = { closed: 0, open: 1, 'half-open': 2 };

/** Thrown by `UpstreamBreaker.execute` while the circuit is open: nothing was sent. */
export class CircuitOpenError extends Error {
  constructor(readonly upstream: string) {
    super(`circuit open for ${upstream}`);
    this.name = 'CircuitOpenError';
  }
}

/**
 * One circuit per upstream. Only what `isFailure` or `isFailedResult` say counts as a failure
 * (transport failures and 5xx, not 4xx or business refusals); it never retries anything itself.
 */
export class UpstreamBreaker {
  private readonly policy: CircuitBreakerPolicy;

  constructor(
    /** api/provider, shown in errors, logs, metrics and /ready (never a URL or a key) */
    readonly upstream: string,
    readonly api: string,
    readonly settings: BreakerSettings,
    isFailure: (err: Error) => boolean,
    isFailedResult: (result: unknown) => boolean,
  ) {
    this.policy = circuitBreaker(handleWhen(isFailure).orWhenResult(isFailedResult), {
      halfOpenAfter: settings.halfOpenMs,
      breaker: new ConsecutiveBreaker(settings.threshold),
    });
    circuitStates.set({ upstream }, 0);
    this.policy.onStateChange((state) => {
      const name = STATE_NAMES[state];
      circuitStates.set({ upstream }, STATE_VALUES[name]);
      const log = name === 'open' ? logger.warn.bind(logger) : logger.info.bind(logger);
      log({ upstream, state: name }, `circuit breaker ${name}`);
    });
  }

  get state(): BreakerStateName {
    return STATE_NAMES[this.policy.state];
  }

  async execute<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(fn);
    } catch (err) {
      if (err instanceof BrokenCircuitError) throw new CircuitOpenError(this.upstream);
      throw err;
    }
  }
}

let settings: BreakerSettings | undefined;
const breakers = new Map<string, UpstreamBreaker>();

/** Sets the breaker settings of this process (the stack does, from its environment) and forgets every circuit. */
export function configureBreakers(next: BreakerSettings): void {
  settings = next;
  resetBreakers();
}

export function currentBreakerSettings(): BreakerSettings {
  return (settings ??= breakerSettingsFromEnv());
}

export function resetBreakers(): void {
  breakers.clear();
  circuitStates.reset();
}

/** The circuit of one upstream (keyed by its base URL), or null when breakers are off. */
export function breakerFor(
  key: string,
  make: (s: BreakerSettings) => UpstreamBreaker,
  override?: BreakerSettings,
): UpstreamBreaker | null {
  const s = override ?? currentBreakerSettings();
  if (s.threshold <= 0) return null;
  let b = breakers.get(key);
  if (!b) breakers.set(key, (b = make(s)));
  return b;
}

export interface BreakerReport {
  upstream: string;
  api: string;
  state: BreakerStateName;
}

/** Every circuit this process has opened a door for (an upstream appears after its first call). */
export function breakerStates(api?: string): BreakerReport[] {
  return [...breakers.values()]
    .filter((b) => api === undefined || b.api === api)
    .map((b) => ({ upstream: b.upstream, api: b.api, state: b.state }))
    .sort((a, b) => a.upstream.localeCompare(b.upstream));
}
