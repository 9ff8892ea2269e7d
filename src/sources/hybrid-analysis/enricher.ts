import type { EnrichmentResult, IndicatorEnricher, IndicatorRef } from '../../domain/enrichment.js';
import type { IndicatorType } from '../../domain/model.js';
import { HYBRID_ANALYSIS } from './vendor-id.js';
import type { HybridAnalysisClient } from './client.js';
import { enrichmentFromOverview, enrichmentNotFound } from './map.js';

/**
 * Looks file hashes up on Hybrid Analysis. The overview (verdict, threat score) is keyed by sha256, so an md5 or
 * sha1 first goes through the hash search: two calls instead of one.
 */
export class HybridAnalysisEnricher implements IndicatorEnricher {
  readonly vendor = HYBRID_ANALYSIS;
  readonly indicatorTypes: readonly IndicatorType[] = ['MD5', 'SHA1', 'SHA256'];

  constructor(readonly client: HybridAnalysisClient) {}

  callCost(type: IndicatorType): number {
    return type === 'SHA256' ? 1 : 2;
  }

  async enrich({ type, value }: IndicatorRef): Promise<EnrichmentResult> {
    if (!this.indicatorTypes.includes(type)) throw new TypeError(`Hybrid Analysis cannot look up ${type} indicators`);
    const sha256 = type === 'SHA256' ? value : (await this.client.searchHash(value))?.sha256s[0];
    const overview = sha256 === undefined ? null : await this.client.getOverview(sha256);
    const result = overview ? enrichmentFromOverview(overview) : enrichmentNotFound(value);
    // An unknown md5/sha1 ends at the search: one call of the two reserved.
    return { ...result, callsSpent: type === 'SHA256' || sha256 === undefined ? 1 : 2 };
  }
}
