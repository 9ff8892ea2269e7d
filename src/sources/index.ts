import type { Vendor } from '../domain/vendor.js';
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
 * The vendors the hub knows. Adding a vendor = its folder under src/sources/ and src/sandbox/ plus one line here.
 * This list is the set of vendors: the config accepts these ids, `sandboxes: all` starts a simulator per manifest (in
 * this order), the GraphQL `Vendor` enum has one value per manifest (src/schema/enums.ts), and the `vendors` query
 * lists them (the console's vendor filters come from it).
 */
const manifests: VendorManifest[] = [
  // registered vendors (one line each):
  secureworksCtpManifest,
  ibmResilientManifest,
  cywareCtixManifest,
  cywareCftrManifest,
  ivantiItsmManifest,
  abuseIpdbManifest,
  hybridAnalysisManifest,
  virusTotalManifest,
];

const duplicate = manifests.find((m, index) => manifests.findIndex((other) => other.vendor === m.vendor) !== index);
if (duplicate) throw new Error(`two registered manifests declare vendor ${duplicate.vendor}`);

export function registeredManifests(): VendorManifest[] {
  return manifests;
}

/** The registered vendors' ids, in registration order. */
export function registeredVendors(): Vendor[] {
  return manifests.map((m) => m.vendor);
}

export function manifestFor(vendor: Vendor): VendorManifest | undefined {
  return manifests.find((m) => m.vendor === vendor);
}
