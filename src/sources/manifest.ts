import type { z } from 'zod';
import type { Vendor } from '../domain/vendor.js';
import type { SourceClientDeps } from './http/source-http.js';
import type { CapabilityDeclarations } from './ports.js';
import type { SourceConfig } from './source-config.js';

/**
 * Everything the hub needs to know about one vendor, in its own folder (`src/sources/<vendor>/manifest.ts`),
 * registered with one line in `src/sources/index.ts`. Its simulator is registered apart, in src/sandbox/registry.ts:
 * production code never loads it.
 */
export interface VendorManifest<Client = unknown> {
  vendor: Vendor;
  displayName: string;
  /** What the vendor can do (`tickets`, `incidents`, `threatIntel`, `enrich`), each as a port built from the client. */
  capabilities: CapabilityDeclarations<Client>;
  /** Credential names a source of this vendor needs (config maps each to an env variable). */
  credentialKeys: string[];
  /** Vendor-specific settings (parsed at config load; defaults applied). */
  settingsSchema: z.ZodType<Record<string, unknown>>;
  /** Default poll interval in seconds for this vendor's job (0 = no poller). */
  defaultPollIntervalSeconds: number;
  /** Builds the vendor client on the shared HTTP client factory. */
  createClient(source: SourceConfig, deps: SourceClientDeps): Client;
}
