import { logger } from '../../observability/logger.js';
import type { SourceConfig } from '../source-config.js';

/**
 * Says once, at start, which sources talk to their vendor without verifying its TLS certificate: `tlsVerify: false`
 * must be explicit in config, and must never go unnoticed in the logs.
 */
export function warnTlsVerificationOff(sources: SourceConfig[], log: Pick<typeof logger, 'warn'> = logger): void {
  for (const source of sources) {
    // A local sandbox's self-signed certificate is ours, on loopback: nothing to warn about.
    if (source.tlsVerify || source.sandbox) continue;
    log.warn({ source: source.name, vendor: source.vendor, baseUrl: source.baseUrl, sandbox: source.sandbox },
      `TLS certificate verification is OFF for source ${source.name} (tlsVerify: false): its vendor's identity is not checked`);
  }
}
