import { z } from 'zod';
import { enrichmentSettingsSchema } from '../../domain/enrichment.js';
import { HYBRID_ANALYSIS } from './vendor-id.js';
import { VendorHttp } from '../http/vendor-http.js';
import { requireCredentials, sourceHttpOptions } from '../http/source-http.js';
import type { VendorManifest } from '../manifest.js';
import { HybridAnalysisClient, hybridAnalysisRateLimitWait } from './client.js';
import { HybridAnalysisEnricher } from './enricher.js';

/**
 * Quotas are per key and unpublished (the `api-limits` header tells); 200 a minute and 2,000 an hour is what the
 * public API was seen to grant. Restricted keys may have less: set the key's own figures here.
 */
export const hybridAnalysisSettings = enrichmentSettingsSchema({ perMinute: 200, perHour: 2000, perDay: null }).extend({
  /** How long a not-found answer stays fresh (default: a quarter of cacheTtlSeconds). */
  notFoundCacheTtlSeconds: z.number().int().min(0).optional(),
});

export const hybridAnalysisManifest: VendorManifest<HybridAnalysisEnricher> = {
  vendor: HYBRID_ANALYSIS,
  displayName: 'Hybrid Analysis',
  capabilities: { enrich: (enricher) => enricher },
  credentialKeys: ['apiKey'],
  settingsSchema: hybridAnalysisSettings,
  defaultPollIntervalSeconds: 0,
  createClient(source, deps) {
    const { apiKey } = requireCredentials(source, ['apiKey']);
    const http = new VendorHttp({
      ...sourceHttpOptions(source, deps),
      // Use the bare host: `www.hybrid-analysis.com` redirects, and a followed redirect can drop the api-key header.
      baseUrl: source.baseUrl.replace('://www.hybrid-analysis.com', '://hybrid-analysis.com'),
      authenticate: (request) => {
        request.headers.set('api-key', apiKey);
      },
      // The service filters unusual user agents; the product name passes.
      headers: { Accept: 'application/json', 'User-Agent': 'Falcon Sandbox' },
      secrets: [apiKey],
      retryRateLimited: false,
      rateLimitWaitSeconds: hybridAnalysisRateLimitWait,
    });
    return new HybridAnalysisEnricher(new HybridAnalysisClient(http));
  },
};
