import { z } from 'zod';
import { enrichmentSettingsSchema } from '../../domain/enrichment.js';
import { ABUSEIPDB } from './vendor-id.js';
import { VendorHttp } from '../http/vendor-http.js';
import { requireCredentials, sourceHttpOptions } from '../http/source-http.js';
import type { VendorManifest } from '../manifest.js';
import { AbuseIpdbClient } from './client.js';
import { AbuseIpdbEnricher } from './enricher.js';

/** Free (Individual) plan: 1,000 /check calls a day, no per-minute limit; the counter resets at UTC midnight. */
export const abuseIpdbSettings = enrichmentSettingsSchema({ perMinute: null, perHour: null, perDay: 1000 }).extend({
  maxAgeInDays: z.number().int().min(1).max(365).default(30),
  suspiciousScore: z.number().int().min(0).max(100).default(20),
  maliciousScore: z.number().int().min(0).max(100).default(80),
  /** How long a not-found answer stays fresh (default: a quarter of cacheTtlSeconds). */
  notFoundCacheTtlSeconds: z.number().int().min(0).optional(),
});

export const abuseIpdbManifest: VendorManifest<AbuseIpdbEnricher> = {
  vendor: ABUSEIPDB,
  displayName: 'AbuseIPDB',
  capabilities: { enrich: (enricher) => enricher },
  credentialKeys: ['apiKey'],
  settingsSchema: abuseIpdbSettings,
  defaultPollIntervalSeconds: 0,
  createClient(source, deps) {
    const { apiKey } = requireCredentials(source, ['apiKey']);
    const settings = abuseIpdbSettings.parse(source.settings);
    const http = new VendorHttp({
      ...sourceHttpOptions(source, deps),
      authenticate: (request) => {
        request.headers.set('Key', apiKey);
      },
      headers: { Accept: 'application/json' },
      secrets: [apiKey],
      // The quota scheduler owns the wait on a 429 (a daily quota's Retry-After runs to UTC midnight).
      retryRateLimited: false,
    });
    return new AbuseIpdbEnricher(new AbuseIpdbClient(http), settings);
  },
};
