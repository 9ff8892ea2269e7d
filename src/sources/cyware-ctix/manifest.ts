import { Vendor } from '../../domain/vendor.js';
import { createCywareCtixSandbox } from '../../sandbox/cyware-ctix/index.js';
import type { VendorManifest } from '../manifest.js';
import { CtixClient } from './client.js';
import { ctixSettingsSchema } from './settings.js';

export const cywareCtixManifest: VendorManifest<CtixClient> = {
  vendor: Vendor.CYWARE_CTIX,
  displayName: 'Cyware Intel Exchange (CTIX)',
  capabilities: ['threat-intel'],
  credentialKeys: ['accessId', 'secretKey'],
  settingsSchema: ctixSettingsSchema,
  // Threat data is read on demand (searches, investigations, bulletins); nothing to poll.
  defaultPollIntervalSeconds: 0,
  createClient(source, { health }) {
    const { accessId, secretKey } = source.credentials;
    if (!accessId || !secretKey) throw new Error(`source ${source.name}: credentials 'accessId' and 'secretKey' are required`);
    return new CtixClient({
      sourceName: source.name,
      baseUrl: source.baseUrl,
      credentials: { accessId, secretKey },
      settings: ctixSettingsSchema.parse(source.settings),
      timeoutMs: source.timeoutMs,
      tls: { verify: source.tlsVerify, caFile: source.caFile },
      health,
    });
  },
  sandbox: createCywareCtixSandbox,
  sandboxTls: false,
};
