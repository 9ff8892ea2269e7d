import { Vendor } from '../../domain/vendor.js';
import { createIbmResilientSandbox } from '../../sandbox/ibm-resilient/index.js';
import type { VendorManifest } from '../manifest.js';
import { resilientIncidentsPort } from './incidents-port.js';
import { createIbmResilientClient, ibmResilientSettings, type IbmResilientClient } from './client.js';

export const ibmResilientManifest: VendorManifest<IbmResilientClient> = {
  vendor: Vendor.IBM_RESILIENT,
  displayName: 'IBM Resilient (QRadar SOAR)',
  capabilities: { incidents: resilientIncidentsPort },
  credentialKeys: ['apiKeyId', 'apiKeySecret'],
  settingsSchema: ibmResilientSettings,
  // Closes made in SOAR are found by a modified-since query; IBM used an instant rule instead, so poll briskly.
  defaultPollIntervalSeconds: 120,
  createClient: (source, deps) => createIbmResilientClient(source, deps),
  sandbox: createIbmResilientSandbox,
  // SOAR appliances usually serve a self-signed certificate (IBM's `cafile`), so the sandbox does too.
  sandboxTls: true,
};
