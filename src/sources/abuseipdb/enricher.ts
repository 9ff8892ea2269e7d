import type { EnrichmentResult, IndicatorEnricher, IndicatorRef } from '../../domain/enrichment.js';
import type { IndicatorType } from '../../domain/model.js';
import { ABUSEIPDB } from './vendor-id.js';
import type { AbuseIpdbClient } from './client.js';
import { enrichmentFromCheck, type AbuseIpdbVerdictPolicy } from './map.js';

/** Looks IP addresses up on AbuseIPDB: one /check call (verbose, for the report categories) per indicator. */
export class AbuseIpdbEnricher implements IndicatorEnricher {
  readonly vendor = ABUSEIPDB;
  readonly indicatorTypes: readonly IndicatorType[] = ['IPV4', 'IPV6'];

  constructor(readonly client: AbuseIpdbClient, private readonly policy: AbuseIpdbVerdictPolicy) {}

  callCost(): number {
    return 1;
  }

  async enrich(indicator: IndicatorRef): Promise<EnrichmentResult> {
    if (!this.indicatorTypes.includes(indicator.type)) throw new TypeError(`AbuseIPDB cannot look up ${indicator.type} indicators`);
    const check = await this.client.checkIp(indicator.value, { maxAgeInDays: this.policy.maxAgeInDays, verbose: true });
    return enrichmentFromCheck(check, this.policy);
  }
}
