import { IBM_RESILIENT } from './vendor-id.js';
import type { VendorManifest } from '../manifest.js';
import { resilientIncidentsPort } from './incidents-port.js';
import { createIbmResilientClient, ibmResilientSettings, type IbmResilientClient } from './client.js';

export const ibmResilientManifest: VendorManifest<IbmResilientClient> = {
  vendor: IBM_RESILIENT,
  displayName: 'IBM Resilient (QRadar SOAR)',
  capabilities: { incidents: resilientIncidentsPort },
  credentialKeys: ['apiKeyId', 'apiKeySecret'],
  settingsSchema: ibmResilientSettings,
  // Closes made in SOAR are found by a modified-since query; IBM used an instant rule instead, so poll briskly.
  defaultPollIntervalSeconds: 120,
  createClient: (source, deps) => createIbmResilientClient(source, deps),
};
