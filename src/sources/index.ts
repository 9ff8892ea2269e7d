import type { VendorManifest } from './manifest.js';
import { cywareCtixManifest } from './cyware-ctix/manifest.js';
import { cywareCftrManifest } from './cyware-cftr/manifest.js';
import { secureworksCtpManifest } from './secureworks-ctp/manifest.js';
import { ibmResilientManifest } from './ibm-resilient/manifest.js';
import { ivantiItsmManifest } from './ivanti-itsm/manifest.js';
import { abuseIpdbManifest } from './abuseipdb/manifest.js';
import { hybridAnalysisManifest } from './hybrid-analysis/manifest.js';
import { virusTotalManifest } from './virustotal/manifest.js';

/**
 * The vendors the hub knows. Adding a vendor = its folder under src/sources/ and src/sandbox/ plus one line here: the
 * `Vendor` type and GraphQL enum, config's `vendor` values and the sandbox plan are derived from this list.
 */
const manifests = [
  // registered vendors (one line each):
  secureworksCtpManifest,
  ibmResilientManifest,
  cywareCtixManifest,
  cywareCftrManifest,
  ivantiItsmManifest,
  abuseIpdbManifest,
  hybridAnalysisManifest,
  virusTotalManifest,
] as const;

/** Every vendor socgraph can connect to: the ids of the registered manifests. The names are part of the GraphQL contract. */
export type Vendor = (typeof manifests)[number]['vendor'];

export function registeredManifests(): readonly VendorManifest[] {
  return manifests;
}

export function manifestFor(vendor: string): VendorManifest | undefined {
  return manifests.find((m) => m.vendor === vendor);
}
