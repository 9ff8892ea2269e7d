import type { Vendor } from '../domain/vendor.js';

/** A configured vendor connection, parsed and resolved (credentials read from the env vars config names). */
export interface SourceConfig {
  /** Unique name of this connection, e.g. "ctp-prod"; defaults to the vendor slug. */
  name: string;
  vendor: Vendor;
  baseUrl: string;
  enabled: boolean;
  /** Points at a local sandbox, not the real vendor. */
  sandbox: boolean;
  tlsVerify: boolean;
  caFile?: string;
  /** Seconds between polls of this source's job; 0 = off. */
  pollIntervalSeconds: number;
  timeoutMs: number;
  /** Resolved secret values by the manifest's credential keys. Never logged, never returned by the API. */
  credentials: Record<string, string>;
  /** Vendor-specific settings, validated by the vendor manifest's settings schema. */
  settings: Record<string, unknown>;
  /** Outbound budget, for vendors with quotas. */
  rateLimit?: { perMinute?: number; perDay?: number };
}
