import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  accessSettingsFromEnv,
  bearerMatches,
  checkExposure,
  isLoopback,
  serverSideCredentials,
} from '../../gateway/access.ts';
import { logger, tapLogs } from '../../lib/logger.ts';

const K1 = 'k1-0123456789abcdef';
const K2 = 'k2-fedcba9876543210';

describe('bearerMatches', () => {
  it.each([
    [`Bearer ${K1}`, true],
    [`bearer ${K2}`, true],
    [`Bearer  ${K1} `, true],
    [`Bearer ${K1}x`, false],
    [`Bearer ${K1.slice(0, -1)}`, false],
    [K1, false],
    [`Basic ${K1}`, false],
    ['Bearer ', false],
    ['', false],
  ])('%j → %s', (header, ok) => {
    expect(bearerMatches(header, [K1, K2])).toBe(ok);
  });

  it('refuses everything when no key is configured', () => {
    expect(bearerMatches(`Bearer ${K1}`, [])).toBe(false);
    expect(bearerMatches(undefined, [K1])).toBe(false);
  });
});

describe('accessSettingsFromEnv', () => {
  it('reads comma-separated keys and the opt-out', () => {
    expect(
      accessSettingsFromEnv({ GATEWAY_API_KEYS: ` ${K1}, ,${K2}`, GATEWAY_ALLOW_UNAUTHENTICATED: '1' }),
    ).toEqual({ keys: [K1, K2], allowUnauthenticated: true });
    expect(accessSettingsFromEnv({})).toEqual({ keys: [], allowUnauthenticated: false });
  });

  it('refuses short keys', () => {
    expect(() => accessSettingsFromEnv({ GATEWAY_API_KEYS: 'short' })).toThrow(/at least 16/);
  });
});

describe('serverSideCredentials', () => {
  it('finds SMM keys, Solmate and SolSub credentials; not key-less SMM providers', () => {
    expect(serverSideCredentials({})).toEqual([]);
    expect(serverSideCredentials({ SMM_PROVIDERS: '[{"id":"a","url":"http://x"}]' })).toEqual([]);
    expect(serverSideCredentials({ SMM_PROVIDERS: '[{"id":"a","url":"http://x","key":"k"}]' })).toEqual([
      'SMM_PROVIDERS',
    ]);
    expect(serverSideCredentials({ SOLMATE_USER: 'u', SOLMATE_PASSWORD: 'p', SOLSUB_API_KEY: 'k' })).toEqual([
      'SOLMATE_USER',
      'SOLMATE_PASSWORD',
      'SOLSUB_API_KEY',
    ]);
  });

  it('reads SMM_PROVIDERS_FILE, and assumes keys when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'access-'));
    const file = join(dir, 'providers.json');
    writeFileSync(file, '[{"id":"a","url":"http://x","key":"k"}]');
    expect(serverSideCredentials({ SMM_PROVIDERS_FILE: file })).toEqual(['SMM_PROVIDERS_FILE']);
    expect(serverSideCredentials({ SMM_PROVIDERS_FILE: join(dir, 'missing.json') })).toEqual([
      'SMM_PROVIDERS_FILE',
    ]);
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['example.com', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });
});

describe('checkExposure', () => {
  let untap = () => {};
  const level = logger.level;
  afterEach(() => {
    untap();
    logger.level = level;
  });
  const open = { keys: [], allowUnauthenticated: false };

  it('refuses a public, key-less gateway with server-side credentials, naming them', () => {
    expect(() => checkExposure('0.0.0.0', open, ['SOLSUB_API_KEY'])).toThrow(
      /Refusing to start.*0\.0\.0\.0.*SOLSUB_API_KEY.*GATEWAY_API_KEYS/s,
    );
  });

  it('allows loopback, keys, or no server-side credentials', () => {
    expect(() => checkExposure('127.0.0.1', open, ['SOLSUB_API_KEY'])).not.toThrow();
    expect(() => checkExposure('0.0.0.0', { ...open, keys: [K1] }, ['SOLSUB_API_KEY'])).not.toThrow();
    expect(() => checkExposure('0.0.0.0', open, [])).not.toThrow();
  });

  it('starts with GATEWAY_ALLOW_UNAUTHENTICATED=1 and says so loudly', () => {
    const lines: string[] = [];
    logger.level = 'info';
    untap = tapLogs((l) => lines.push(l), { mute: true });
    checkExposure('0.0.0.0', { keys: [], allowUnauthenticated: true }, ['SMM_PROVIDERS']);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { level: number; msg: string };
    expect(line.level).toBe(40);
    expect(line.msg).toMatch(/SECURITY: the gateway is OPEN/);
  });
});
