import type { IndicatorRef, Tlp } from '../domain/enrichment.js';
import type { IndicatorType, Verdict } from '../domain/model.js';
import type { Vendor } from '../domain/vendor.js';

/**
 * The enrichment engine's contract (src/enrichment/enrichment-engine.ts implements it): one engine serves the
 * Ivanti playbook and the `enrichIndicators` mutation.
 */
export interface EnrichRequest {
  indicators: IndicatorRef[];
  /** Ignore cached answers (still paced by each provider's quota). */
  force?: boolean;
  /** TLP of the data the indicators came from; providers whose maxTlp is lower are not asked. Default CLEAR. */
  tlp?: Tlp;
  /** Stop waiting for quota at the next safe point (job shutdown). */
  signal?: AbortSignal;
}

/** How one provider's answer for one indicator was obtained. */
export type ProviderOutcomeStatus =
  | 'FETCHED' // called the provider now
  | 'CACHED' // a fresh stored answer, no call
  | 'FAILED' // the provider could not answer (down, quota exhausted for the day, bad answer); no verdict recorded
  | 'SKIPPED_TLP'; // the indicator's TLP is above the provider's maxTlp; not sent

export interface ProviderOutcome {
  provider: Vendor;
  /** The configured source name of the provider. */
  source: string;
  status: ProviderOutcomeStatus;
  /** The stored enrichment row's id when there is an answer (FETCHED / CACHED). */
  enrichmentId: string | null;
  verdict: Verdict | null;
  score: number | null;
  summary: string | null;
  link: string | null;
  details: Record<string, unknown> | null;
  fetchedAt: Date | null;
  expiresAt: Date | null;
  /** Why FAILED / SKIPPED_TLP, readable. */
  error: string | null;
}

export interface IndicatorOutcome {
  /** The stored indicator (created if new). */
  indicatorId: string;
  type: IndicatorType;
  value: string;
  /** Aggregated over every provider answer on record, after this enrichment. */
  verdict: Verdict;
  score: number | null;
  providers: ProviderOutcome[];
}

export interface EnrichmentService {
  enrich(request: EnrichRequest): Promise<IndicatorOutcome[]>;
}
