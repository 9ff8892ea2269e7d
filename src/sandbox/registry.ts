import type { Vendor } from '../domain/vendor.js';
import { ABUSEIPDB } from '../sources/abuseipdb/vendor-id.js';
import { CYWARE_CFTR } from '../sources/cyware-cftr/vendor-id.js';
import { CYWARE_CTIX } from '../sources/cyware-ctix/vendor-id.js';
import { HYBRID_ANALYSIS } from '../sources/hybrid-analysis/vendor-id.js';
import { IBM_RESILIENT } from '../sources/ibm-resilient/vendor-id.js';
import { IVANTI_ITSM } from '../sources/ivanti-itsm/vendor-id.js';
import { SECUREWORKS_CTP } from '../sources/secureworks-ctp/vendor-id.js';
import { VIRUSTOTAL } from '../sources/virustotal/vendor-id.js';
import { createAbuseIpdbSandbox } from './abuseipdb/index.js';
import { createCywareCftrSandbox } from './cyware-cftr/index.js';
import { createCywareCtixSandbox } from './cyware-ctix/index.js';
import { createHybridAnalysisSandbox } from './hybrid-analysis/index.js';
import { createIbmResilientSandbox } from './ibm-resilient/index.js';
import { createIvantiItsmSandbox } from './ivanti-itsm/index.js';
import { startSandbox, type RunningSandbox, type SandboxDefinition } from './kit/index.js';
import { createSecureworksCtpSandbox } from './secureworks-ctp/index.js';
import { createVirusTotalSandbox } from './virustotal/index.js';

/** A vendor's simulator: what `npm start` and the tests run when no real vendor is configured. */
export interface VendorSandbox {
  /** The vendor's id, as its manifest declares it. */
  vendor: Vendor;
  create(): SandboxDefinition;
  /** Serves HTTPS with a self-signed certificate, as the real product usually does. */
  tls?: boolean;
}

/**
 * The simulators, one line each. Only sandbox mode loads this file (src/hub.ts imports it dynamically when a
 * sandbox is planned); production code never imports src/sandbox (`npm run depcheck` fails if it does).
 */
const sandboxes: VendorSandbox[] = [
  // registered simulators (one line each):
  { vendor: IVANTI_ITSM, create: createIvantiItsmSandbox },
  { vendor: ABUSEIPDB, create: createAbuseIpdbSandbox },
  { vendor: HYBRID_ANALYSIS, create: createHybridAnalysisSandbox },
  { vendor: VIRUSTOTAL, create: createVirusTotalSandbox },
  { vendor: CYWARE_CTIX, create: createCywareCtixSandbox },
  { vendor: CYWARE_CFTR, create: createCywareCftrSandbox },
  { vendor: SECUREWORKS_CTP, create: createSecureworksCtpSandbox },
  // SOAR appliances usually serve a self-signed certificate (IBM's `cafile`), so the sandbox does too.
  { vendor: IBM_RESILIENT, create: createIbmResilientSandbox, tls: true },
];

export function sandboxFor(vendor: Vendor): VendorSandbox | undefined {
  return sandboxes.find((s) => s.vendor === vendor);
}

/** Starts a vendor's simulator on a free loopback port. */
export async function startVendorSandbox(vendor: Vendor): Promise<{ sandbox: RunningSandbox; tls: boolean }> {
  const entry = sandboxFor(vendor);
  if (!entry) throw new Error(`${vendor} has no sandbox registered (src/sandbox/registry.ts)`);
  const tls = entry.tls ?? false;
  return { sandbox: await startSandbox(entry.create(), { tls }), tls };
}
