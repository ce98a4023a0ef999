import { describe, expect, it } from 'vitest';
import { serverSideCredentials } from '../../gateway/access.ts';
import { callerHeaderFilter } from '../../gateway/server.ts';
import { isCallerHeader } from '../../stack/part.ts';
import { parts } from '../../stack/parts/index.ts';

/** A header each API's rule accepts: its first exact name, or its prefix with a suffix. */
const sampleHeaders = (p: (typeof parts)[number]) => [
  ...(p.callerHeaders.names ?? []),
  ...(p.callerHeaders.prefix ? [`${p.callerHeaders.prefix}tenant1`] : []),
];

describe('the API registry as the gateway reads it', () => {
  it('gives every API at least one caller header, and no header to two APIs', () => {
    for (const part of parts) {
      const own = sampleHeaders(part);
      expect(own.length, part.name).toBeGreaterThan(0);
      for (const other of parts.filter((p) => p !== part)) {
        for (const h of own)
          expect(isCallerHeader(other.callerHeaders, h), `${h} → ${other.name}`).toBe(false);
      }
    }
  });

  it('forwards to each subgraph its own headers and nothing else', () => {
    const all = parts.flatMap(sampleHeaders);
    for (const part of parts) {
      const forward = callerHeaderFilter(parts, part.name);
      expect(all.filter(forward)).toEqual(sampleHeaders(part));
      expect(forward('authorization')).toBe(false);
      expect(forward('cookie')).toBe(false);
    }
  });

  it('refuses, loudly, a subgraph the registry does not know', () => {
    expect(() => callerHeaderFilter(parts, 'payments')).toThrow(/"payments" is not in the API registry/);
  });

  it('asks every registered API for its server-side credentials', () => {
    const env = { A_KEY: 'k', B_USER: 'u' };
    const apis = [
      { serverCredentials: (e: NodeJS.ProcessEnv) => (e.A_KEY ? ['A_KEY'] : []) },
      { serverCredentials: (e: NodeJS.ProcessEnv) => (e.B_USER ? ['B_USER'] : []) },
    ];
    expect(serverSideCredentials(env, apis)).toEqual(['A_KEY', 'B_USER']);
    expect(
      serverSideCredentials({ SOLMATE_USER: 'u', SMM_PROVIDERS: '[{"id":"a","url":"http://x","key":"k"}]' }),
    ).toEqual(['SOLMATE_USER', 'SMM_PROVIDERS']);
  });
});
