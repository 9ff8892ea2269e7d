import type { EnrichmentSettings, IndicatorEnricher, Tlp } from '../domain/enrichment.js';
import { TLP_LEVELS } from '../domain/enrichment.js';
import type { IndicatorType } from '../domain/model.js';
import type { Vendor } from '../domain/vendor.js';
import type { SourceRegistry } from '../services/source-registry.js';
import { manifestFor } from '../sources/index.js';

/** One configured enrichment source as the engine uses it: its enricher and the settings it reads per request. */
export interface EnrichmentProvider {
  source: string;
  vendor: Vendor;
  enricher: IndicatorEnricher;
  settings: EnrichmentSettings;
  /** How long a "no record of it" answer stays fresh. */
  notFoundTtlSeconds: number;
}

/**
 * The enabled sources whose vendor declares the `enrich` capability, each with its enricher (that port) and its
 * settings read afresh (an ADMIN may disable a source at run time). Settings default per the provider's manifest;
 * `notFoundCacheTtlSeconds` defaults to a quarter of `cacheTtlSeconds`.
 */
export function enrichmentProviders(sources: SourceRegistry): EnrichmentProvider[] {
  const providers: EnrichmentProvider[] = [];
  for (const { config } of sources.list()) {
    if (!config.enabled) continue;
    const manifest = manifestFor(config.vendor);
    const enricher = sources.port(config.name, 'enrich');
    if (!manifest || !enricher) continue;
    const parsed = manifest.settingsSchema.parse(config.settings ?? {}) as EnrichmentSettings & { notFoundCacheTtlSeconds?: number };
    providers.push({
      source: config.name,
      vendor: config.vendor,
      enricher,
      settings: parsed,
      notFoundTtlSeconds: parsed.notFoundCacheTtlSeconds ?? Math.floor(parsed.cacheTtlSeconds / 4),
    });
  }
  return providers;
}

/** Routing by type: the providers whose enricher looks this type up (IP → AbuseIPDB + VirusTotal, URL/domain → VirusTotal, hash → Hybrid Analysis + VirusTotal). */
export function providersFor(type: IndicatorType, providers: EnrichmentProvider[]): EnrichmentProvider[] {
  return providers.filter((p) => p.enricher.indicatorTypes.includes(type));
}

/** The TLP gate: data marked above the provider's maxTlp is not disclosed to it. */
export function tlpAllows(tlp: Tlp, maxTlp: Tlp): boolean {
  return TLP_LEVELS.indexOf(tlp) <= TLP_LEVELS.indexOf(maxTlp);
}
