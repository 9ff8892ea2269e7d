import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { ConfigError } from '../config/load-config.js';
import { metricsRegistry } from '../observability/metrics.js';

/**
 * `GET /metrics` (Prometheus text). With `server.metricsToken` naming an environment variable, a scrape must send
 * `Authorization: Bearer <its value>` (401 otherwise); without it the endpoint is open to whoever reaches the port.
 */
export function metricsEndpoint(tokenVariable: string | undefined, env: NodeJS.ProcessEnv = process.env) {
  let expected: Buffer | null = null;
  if (tokenVariable) {
    const value = env[tokenVariable];
    if (!value) throw new ConfigError(`server.metricsToken: environment variable ${tokenVariable} is not set`);
    if (value.length < 16) throw new ConfigError(`server.metricsToken: the value of ${tokenVariable} is too short (16 characters at least)`);
    expected = digest(value);
  }
  return async (req: Request, res: Response): Promise<void> => {
    if (expected) {
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? '');
      if (!match || !timingSafeEqual(digest(match[1]), expected)) {
        res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').json({ errors: [{ message: 'a valid metrics token is required', extensions: { code: 'UNAUTHENTICATED' } }] });
        return;
      }
    }
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
