import { pino } from 'pino';

/**
 * One JSON logger for the whole process. Credential-bearing fields are redacted by path as
 * a second line of defence; the first is that no code logs headers or request bodies.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
  base: { service: process.env.SERVICE_NAME ?? 'rest-federation' },
  redact: {
    paths: [
      'key',
      '*.key',
      'authorization',
      '*.authorization',
      'headers',
      '*.headers',
      'password',
      '*.password',
      'token',
      '*.token',
    ],
    censor: '[redacted]',
  },
});
