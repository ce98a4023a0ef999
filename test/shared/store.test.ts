import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../lib/logger.ts';
import { RedisStore, redisHost } from '../../subgraphs/shared/store.ts';

describe('RedisStore logging', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names the host of a password-carrying URL, never the password', () => {
    expect(redisHost('redis://user:s3cret-pw@cache.internal:6380/2')).toBe('cache.internal:6380');
    expect(redisHost('not a url s3cret-pw')).not.toContain('s3cret-pw');
  });

  it('logs a connection failure with host and code only', async () => {
    // a port that was just free: the connection is refused
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const store = new RedisStore(`redis://user:s3cret-pw@127.0.0.1:${port}`);
    try {
      await vi.waitFor(() => expect(warn).toHaveBeenCalled(), { timeout: 10_000 });
      const [fields] = warn.mock.calls[0] as unknown as [Record<string, unknown>];
      expect(fields).toEqual({ store: 'redis', host: `127.0.0.1:${port}`, code: 'ECONNREFUSED' });
      expect(JSON.stringify(warn.mock.calls)).not.toContain('s3cret-pw');
    } finally {
      await store.close();
    }
  });
});
