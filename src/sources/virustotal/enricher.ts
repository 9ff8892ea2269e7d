import type { EnrichmentResult, IndicatorEnricher, IndicatorRef } from '../../domain/enrichment.js';
import type { IndicatorType } from '../../domain/model.js';
import { VIRUSTOTAL } from './vendor-id.js';
import type { VirusTotalClient } from './client.js';
import { enrichmentFromObject, enrichmentNotFound, type VirusTotalVerdictPolicy } from './map.js';

/** Looks IPs, domains, URLs and file hashes up on VirusTotal: one object GET per indicator. */
export class VirusTotalEnricher implements IndicatorEnricher {
  readonly vendor = VIRUSTOTAL;
  readonly indicatorTypes: readonly IndicatorType[] = ['IPV4', 'IPV6', 'DOMAIN', 'URL', 'MD5', 'SHA1', 'SHA256'];

  constructor(readonly client: VirusTotalClient, private readonly policy: VirusTotalVerdictPolicy) {}

  callCost(): number {
    return 1;
  }

  async enrich({ type, value }: IndicatorRef): Promise<EnrichmentResult> {
    const object = await this.lookUp(type, value);
    return object ? enrichmentFromObject(object, this.policy) : enrichmentNotFound(value);
  }

  private lookUp(type: IndicatorType, value: string) {
    switch (type) {
      case 'IPV4':
      case 'IPV6':
        return this.client.getIpAddress(value);
      case 'DOMAIN':
        return this.client.getDomain(value);
      case 'URL':
        return this.client.getUrl(value);
      case 'MD5':
      case 'SHA1':
      case 'SHA256':
        return this.client.getFile(value);
      case 'EMAIL':
        throw new TypeError(`VirusTotal cannot look up ${type} indicators`);
    }
  }
}
