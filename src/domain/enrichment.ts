import { z } from 'zod';
import type { IndicatorType, Verdict } from './model.js';
import type { Vendor } from './vendor.js';

/**
 * What one provider said about one indicator, normalised across providers (each provider's `map.ts` builds it).
 * A provider that could not answer (quota, outage) produces no EnrichmentResult: its client throws a VendorError.
 */
export interface EnrichmentResult {
  verdict: Verdict;
  /** 0–100, higher is worse, in the provider's own scale (AbuseIPDB confidence, HA threat score, VT detection ratio). */
  score: number | null;
  /** One line an analyst can read in a ticket note. */
  summary: string;
  /** The provider's salient facts (country, ASN, family, detection counts…), JSON-serialisable. */
  details: Record<string, unknown>;
  /** The provider's web page for this indicator. */
  link: string | null;
  /** The provider has no record of the indicator (verdict is then UNKNOWN). */
  notFound: boolean;
  /**
   * Vendor calls this look-up actually spent, when fewer than `callCost` reserved (e.g. an md5 Hybrid Analysis does
   * not know needs no overview call); the quota scheduler gives the difference back to the minute/hour windows.
   */
  callsSpent?: number;
}

export interface IndicatorRef {
  type: IndicatorType;
  value: string;
}

/**
 * A provider that looks indicators up (built by its manifest's `createClient`). The enrichment engine schedules
 * look-ups against the provider's quota, so each enricher says what one look-up costs.
 */
export interface IndicatorEnricher {
  readonly vendor: Vendor;
  readonly indicatorTypes: readonly IndicatorType[];
  /** Vendor calls one look-up of this type spends at most (what the quota scheduler reserves). */
  callCost(type: IndicatorType): number;
  /** Looks one indicator up. Throws VendorError on failure; a 429 is UPSTREAM_UNAVAILABLE with status 429. */
  enrich(indicator: IndicatorRef): Promise<EnrichmentResult>;
}

/** Traffic Light Protocol 2.0 labels, least to most restricted (compare by index). */
export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

export interface QuotaBudget {
  perMinute: number | null;
  perHour: number | null;
  perDay: number | null;
}

const budget = z.number().int().positive().nullable();

/**
 * Settings every enrichment provider shares (the engine reads them): the request budget of the key, how long
 * an answer stays fresh, and the most sensitive TLP an indicator may carry to be sent to this third party.
 * `quota` defaults to the provider's free tier; a null window is not metered.
 */
export function enrichmentSettingsSchema(freeTier: QuotaBudget) {
  return z.object({
    quota: z.object({
      perMinute: budget.default(freeTier.perMinute),
      perHour: budget.default(freeTier.perHour),
      perDay: budget.default(freeTier.perDay),
    }).default(freeTier),
    cacheTtlSeconds: z.number().int().min(0).default(24 * 3600),
    // Looking an indicator up discloses it to the provider: AMBER+STRICT and RED stay in-house by default.
    maxTlp: z.enum(TLP_LEVELS).default('AMBER'),
  });
}

export type EnrichmentSettings = z.infer<ReturnType<typeof enrichmentSettingsSchema>>;
