import { z } from 'zod';
import { enrichmentSettingsSchema } from '../../domain/enrichment.js';
import { VIRUSTOTAL } from './vendor-id.js';
import { VendorHttp } from '../http/vendor-http.js';
import { requireCredentials, sourceHttpOptions } from '../http/source-http.js';
import type { VendorManifest } from '../manifest.js';
import { VirusTotalClient } from './client.js';
import { VirusTotalEnricher } from './enricher.js';

/** Public (free) key: 4 requests a minute, 500 a day (daily reset at 00:00 UTC; ~15.5K a month is not metered here). */
export const virusTotalSettings = enrichmentSettingsSchema({ perMinute: 4, perHour: null, perDay: 500 }).extend({
  maliciousThreshold: z.number().int().min(1).default(10),
  /** How long a not-found answer stays fresh (default: a quarter of cacheTtlSeconds). */
  notFoundCacheTtlSeconds: z.number().int().min(0).optional(),
});

export const virusTotalManifest: VendorManifest<VirusTotalEnricher> = {
  vendor: VIRUSTOTAL,
  displayName: 'VirusTotal',
  capabilities: { enrich: (enricher) => enricher },
  credentialKeys: ['apiKey'],
  settingsSchema: virusTotalSettings,
  defaultPollIntervalSeconds: 0,
  createClient(source, deps) {
    const { apiKey } = requireCredentials(source, ['apiKey']);
    const settings = virusTotalSettings.parse(source.settings);
    const http = new VendorHttp({
      ...sourceHttpOptions(source, deps),
      authenticate: (request) => {
        request.headers.set('x-apikey', apiKey);
      },
      headers: { Accept: 'application/json' },
      secrets: [apiKey],
      // A 429 (QuotaExceededError) carries no wait hint; the quota scheduler decides when to try again.
      retryRateLimited: false,
    });
    return new VirusTotalEnricher(new VirusTotalClient(http), settings);
  },
};
