import type { Tlp } from '../../domain/enrichment.js';
import type { IndicatorType, Verdict } from '../../domain/model.js';
import type { Vendor } from '../../domain/vendor.js';
import type { IndicatorOutcome, ProviderOutcomeStatus } from '../../enrichment/enrichment-outcome.js';
import { manifestFor } from '../../sources/index.js';
import type { EnrichedIndicator, EnrichmentBundleCounts } from '../../stix/bundle.js';

/** One provider's part in the report: its answer, or why there is none. */
export interface ReportedProvider {
  provider: string;
  status: ProviderOutcomeStatus;
  verdict: Verdict | null;
  score: number | null;
  summary: string | null;
  link: string | null;
  error: string | null;
}

export interface ReportedIndicator {
  type: IndicatorType;
  value: string;
  verdict: Verdict;
  score: number | null;
  providers: ReportedProvider[];
}

/**
 * What was found and published for one Ivanti incident, as stored with the progress row: the record incident and
 * the journal note are written from it (also when a later run resumes), so they say what the bundle says.
 */
export interface EnrichmentReport {
  incident: { recId: string; number: number; subject: string };
  tlp: Tlp;
  bundleId: string;
  ctixSource: string;
  counts: EnrichmentBundleCounts;
  indicators: ReportedIndicator[];
  cves: string[];
}

/** What a later run obtained from the providers that had failed: per indicator, only those providers. */
export interface FollowUpReport {
  indicators: ReportedIndicator[];
  stillMissing: Array<{ indicator: string; provider: string }>;
}

const ANSWERED: ReadonlySet<ProviderOutcomeStatus> = new Set(['FETCHED', 'CACHED']);

export function providerName(vendor: Vendor): string {
  return manifestFor(vendor)?.displayName ?? vendor;
}

export function reportedIndicators(outcomes: IndicatorOutcome[]): ReportedIndicator[] {
  return outcomes.map((outcome) => ({
    type: outcome.type,
    value: outcome.value,
    verdict: outcome.verdict,
    score: outcome.score,
    providers: outcome.providers.map((p) => ({
      provider: providerName(p.provider),
      status: p.status,
      verdict: p.verdict,
      score: p.score,
      summary: p.summary,
      link: p.link,
      error: p.error,
    })),
  }));
}

/** The bundle's view of an indicator: answers as enrichments, the rest as gaps (never a verdict). */
export function bundleIndicator(indicator: ReportedIndicator): EnrichedIndicator {
  const answered = indicator.providers.filter((p) => ANSWERED.has(p.status) && p.verdict);
  const gaps = indicator.providers.filter((p) => !answered.includes(p));
  return {
    type: indicator.type,
    value: indicator.value,
    verdict: indicator.verdict,
    score: indicator.score,
    enrichments: answered.map((p) => ({ provider: p.provider, verdict: p.verdict!, score: p.score, summary: p.summary ?? '', ...(p.link ? { link: p.link } : {}) })),
    gaps: gaps.map((p) => ({ provider: p.provider, reason: gapReason(p) })),
  };
}

export function gapReason(provider: ReportedProvider): string {
  if (provider.status === 'SKIPPED_TLP') return `not asked: ${provider.error ?? 'TLP above its limit'}`;
  return `failed: ${provider.error ?? 'no answer'}`;
}

export function isAnswered(provider: Pick<ReportedProvider, 'status'>): boolean {
  return ANSWERED.has(provider.status);
}

/** Provider answers missing from the report (failed or not asked). */
export function reportGaps(report: Pick<EnrichmentReport, 'indicators'>): Array<{ indicator: string; provider: string; status: ProviderOutcomeStatus }> {
  return report.indicators.flatMap((i) => i.providers
    .filter((p) => !ANSWERED.has(p.status))
    .map((p) => ({ indicator: `${i.type} ${i.value}`, provider: p.provider, status: p.status })));
}

const SEVERITY: Verdict[] = ['UNKNOWN', 'HARMLESS', 'SUSPICIOUS', 'MALICIOUS'];

/** The worst verdict among the indicators (UNKNOWN when none). */
export function worstVerdict(indicators: Array<{ verdict: Verdict }>): Verdict {
  return indicators.reduce<Verdict>((worst, i) => (SEVERITY.indexOf(i.verdict) > SEVERITY.indexOf(worst) ? i.verdict : worst), 'UNKNOWN');
}

export function verdictCounts(indicators: Array<{ verdict: Verdict }>): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { MALICIOUS: 0, SUSPICIOUS: 0, HARMLESS: 0, UNKNOWN: 0 };
  for (const i of indicators) counts[i.verdict] += 1;
  return counts;
}
