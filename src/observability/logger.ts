import { pino, type Logger } from 'pino';

/**
 * One structured logger. Secrets never reach it by construction (clients redact), and the usual
 * credential-bearing keys are redacted again here as a second line of defence.
 */
export const logger: Logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: 'socgraph' },
  redact: {
    paths: [
      '*.authorization', '*.Authorization', '*.password', '*.apiKey', '*.secret', '*.token',
      'headers.authorization', 'req.headers.authorization', '*.headers.authorization',
    ],
    censor: '[redacted]',
  },
});

export function childLogger(bindings: Record<string, unknown>): Logger {
  return logger.child(bindings);
}
