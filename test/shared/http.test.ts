import { describe, expect, it } from 'vitest';
import { UpstreamHttp } from '../../subgraphs/shared/http.ts';

const http = new UpstreamHttp({
  api: 'smm',
  baseUrl: 'http://127.0.0.1:9/api/v2',
  timeoutMs: 100,
  retries: 0,
  retryBaseMs: 1,
  connections: 1,
  secrets: ['SECRET-KEY-123456'],
});

describe('UpstreamHttp scrubbing', () => {
  it('scrubs a credential before cutting an excerpt, so no prefix of it survives the cut', () => {
    const body = `${'x'.repeat(190)}SECRET-KEY-123456 and more`;
    const cut = http.excerpt(body, 200);
    expect(cut).not.toContain('SECRET');
    expect(cut).toContain('[redacted]');
  });

  it('scrubs upstream messages carried in error info', () => {
    expect(http.info('add', { message: 'bad key SECRET-KEY-123456' }).message).toBe('bad key [redacted]');
  });
});
