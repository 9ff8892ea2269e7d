import type { SourceConfig } from '../source-config.js';
import type { CallLimiter, HealthSink, VendorHttpOptions } from './vendor-http.js';

/** What the hub gives every source's client: where its health is kept, and the pacing of its `rateLimit` if any. */
export interface SourceClientDeps {
  health: HealthSink;
  limiter?: CallLimiter;
}

/** The VendorHttp settings every configured source shares: identity, base URL, timeout, TLS, health, rate limit. */
export function sourceHttpOptions(source: SourceConfig, deps?: Partial<SourceClientDeps>): Pick<VendorHttpOptions, 'vendor' | 'sourceName' | 'baseUrl' | 'timeoutMs' | 'tls' | 'health' | 'limiter'> {
  return {
    vendor: source.vendor,
    sourceName: source.name,
    baseUrl: source.baseUrl,
    timeoutMs: source.timeoutMs,
    tls: { verify: source.tlsVerify, caFile: source.caFile },
    health: deps?.health,
    limiter: deps?.limiter,
  };
}

/** The named credentials of a source, or an error naming the ones missing. */
export function requireCredentials<K extends string>(source: SourceConfig, keys: readonly K[]): Record<K, string> {
  const missing = keys.filter((key) => !source.credentials[key]);
  if (missing.length > 0) throw new Error(`source ${source.name}: credential ${missing.map((k) => `'${k}'`).join(', ')} is not set`);
  return Object.fromEntries(keys.map((key) => [key, source.credentials[key]])) as Record<K, string>;
}
