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
 */
const manifests: VendorManifest[] = [
  // registered vendors (one line each):
  ivantiItsmManifest,
  abuseIpdbManifest,
  hybridAnalysisManifest,
  virusTotalManifest,
  cywareCtixManifest,
  cywareCftrManifest,
  secureworksCtpManifest,
  ibmResilientManifest,
];

export function registeredManifests(): VendorManifest[] {
  return manifests;
}

export function manifestFor(vendor: Vendor): VendorManifest | undefined {
  return manifests.find((m) => m.vendor === vendor);
}
