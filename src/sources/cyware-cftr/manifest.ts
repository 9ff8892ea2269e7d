import { CYWARE_CFTR } from './vendor-id.js';
import type { VendorManifest } from '../manifest.js';
import { CftrClient } from './client.js';
import { toIncidentData } from './map.js';
import { cftrSettingsSchema } from './settings.js';
import { requireCredentials } from '../http/source-http.js';

export const cywareCftrManifest: VendorManifest<CftrClient> = {
  vendor: CYWARE_CFTR,
  displayName: 'Cyware Respond (CFTR)',
  capabilities: {
    incidents: (client) => ({
      async get(uniqueId) {
        const wire = await client.getIncident(uniqueId);
        return { data: toIncidentData(wire, client.incidentUrlTemplate), wire };
      },
    }),
  },
  credentialKeys: ['accessId', 'secretKey'],
  settingsSchema: cftrSettingsSchema,
  // Incidents are created from Intel Exchange data on demand; nothing to poll.
  defaultPollIntervalSeconds: 0,
  createClient(source, { health, limiter }) {
    const credentials = requireCredentials(source, ['accessId', 'secretKey']);
    return new CftrClient({
      sourceName: source.name,
      baseUrl: source.baseUrl,
      credentials,
      settings: cftrSettingsSchema.parse(source.settings),
      timeoutMs: source.timeoutMs,
      tls: { verify: source.tlsVerify, caFile: source.caFile },
      health,
      limiter,
    });
  },
};
