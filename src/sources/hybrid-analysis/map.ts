import type { EnrichmentResult } from '../../domain/enrichment.js';
import type { Verdict } from '../../domain/model.js';
import type { HaOverview } from './wire.js';

const VERDICTS: Record<string, Verdict> = {
  malicious: 'MALICIOUS',
  suspicious: 'SUSPICIOUS',
  'no specific threat': 'HARMLESS',
  whitelisted: 'HARMLESS',
};

/** A sample's overview as an enrichment: HA's own verdict, its threat score as the score. */
export function enrichmentFromOverview(overview: HaOverview): EnrichmentResult {
  const verdict = (overview.verdict && VERDICTS[overview.verdict]) || 'UNKNOWN';
  const name = overview.last_file_name ? `${overview.last_file_name} (${overview.sha256})` : overview.sha256;
  const facts = [
    overview.verdict ?? 'no verdict',
    overview.threat_score != null ? `threat score ${overview.threat_score}/100` : null,
    overview.vx_family ? `family ${overview.vx_family}` : null,
    overview.multiscan_result != null ? `AV detection ${overview.multiscan_result}%` : null,
    overview.type ?? null,
  ].filter(Boolean);
  return {
    verdict,
    score: overview.threat_score ?? null,
    summary: `Hybrid Analysis: ${name} ${facts.join(', ')}`,
    details: {
      sha256: overview.sha256,
      verdict: overview.verdict ?? null,
      threatScore: overview.threat_score ?? null,
      avDetect: overview.multiscan_result ?? null,
      vxFamily: overview.vx_family ?? null,
      lastFileName: overview.last_file_name ?? null,
      otherFileNames: overview.other_file_name ?? [],
      type: overview.type ?? null,
      typeShort: overview.type_short ?? [],
      size: overview.size ?? null,
      tags: overview.tags ?? [],
      analysisStartTime: overview.analysis_start_time ?? null,
    },
    link: `https://hybrid-analysis.com/sample/${overview.sha256}`,
    notFound: false,
  };
}

/** Hybrid Analysis has never analysed the sample: nothing known, which is not a failure. */
export function enrichmentNotFound(hash: string): EnrichmentResult {
  return { verdict: 'UNKNOWN', score: null, summary: `Hybrid Analysis: no analysis of ${hash}`, details: {}, link: null, notFound: true };
}
