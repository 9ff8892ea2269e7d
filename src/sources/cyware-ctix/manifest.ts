import { CYWARE_CTIX } from './vendor-id.js';
import type { VendorManifest } from '../manifest.js';
import { CtixClient } from './client.js';
import { ctixSettingsSchema } from './settings.js';
import { requireCredentials } from '../http/source-http.js';

export const cywareCtixManifest: VendorManifest<CtixClient> = {
  vendor: CYWARE_CTIX,
  displayName: 'Cyware Intel Exchange (CTIX)',
  capabilities: { threatIntel: (client) => ({ publishBundle: (bundle) => client.ingestBundle(bundle) }) },
  credentialKeys: ['accessId', 'secretKey'],
  settingsSchema: ctixSettingsSchema,
  // Threat data is read on demand (searches, investigations, bulletins); nothing to poll.
  defaultPollIntervalSeconds: 0,
  createClient(source, { health, limiter }) {
    const credentials = requireCredentials(source, ['accessId', 'secretKey']);
    return new CtixClient({
      sourceName: source.name,
      baseUrl: source.baseUrl,
      credentials,
      settings: ctixSettingsSchema.parse(source.settings),
      timeoutMs: source.timeoutMs,
      tls: { verify: source.tlsVerify, caFile: source.caFile },
      health,
      limiter,
    });
  },
};
