import type { SourceConfig } from '../source-config.js';
import type { HealthSink, VendorHttpOptions } from './vendor-http.js';

/** The VendorHttp settings every configured source shares: identity, base URL, timeout, TLS and health. */
export function sourceHttpOptions(source: SourceConfig, health?: HealthSink): Pick<VendorHttpOptions, 'vendor' | 'sourceName' | 'baseUrl' | 'timeoutMs' | 'tls' | 'health'> {
  return {
    vendor: source.vendor,
    sourceName: source.name,
    baseUrl: source.baseUrl,
    timeoutMs: source.timeoutMs,
    tls: { verify: source.tlsVerify, caFile: source.caFile },
    health,
  };
}

/** The named credentials of a source, or an error naming the ones missing. */
export function requireCredentials<K extends string>(source: SourceConfig, keys: readonly K[]): Record<K, string> {
  const missing = keys.filter((key) => !source.credentials[key]);
  if (missing.length > 0) throw new Error(`source ${source.name}: credential ${missing.map((k) => `'${k}'`).join(', ')} is not set`);
  return Object.fromEntries(keys.map((key) => [key, source.credentials[key]])) as Record<K, string>;
}
