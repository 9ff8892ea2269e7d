import type { EnrichmentResult } from '../../domain/enrichment.js';
import type { Verdict } from '../../domain/model.js';
import { ABUSEIPDB_CATEGORIES, type AbuseIpdbCheck, type AbuseIpdbReport } from './wire.js';

/** Score thresholds (XSOAR's AbuseDB defaults: below 20 good, 80 and above bad) and the report window asked for. */
export interface AbuseIpdbVerdictPolicy {
  suspiciousScore: number;
  maliciousScore: number;
  maxAgeInDays: number;
}

/** How many category names a summary carries. */
const TOP_CATEGORIES = 3;

/**
 * AbuseIPDB's answer as an enrichment. Nobody having reported the IP in the window means AbuseIPDB knows
 * nothing about it (UNKNOWN, `notFound`), whatever the score — unless AbuseIPDB vouches for it (whitelisted).
 */
export function enrichmentFromCheck(check: AbuseIpdbCheck, policy: AbuseIpdbVerdictPolicy): EnrichmentResult {
  const notFound = check.totalReports === 0 && check.isWhitelisted !== true;
  const categories = categoryCounts(check.reports ?? []);
  const where = [check.countryCode, check.isp, check.usageType].filter(Boolean).join(', ');
  const summary = notFound
    ? `AbuseIPDB: ${check.ipAddress} not reported in the last ${policy.maxAgeInDays} days${where ? ` (${where})` : ''}`
    : `AbuseIPDB: ${check.ipAddress} abuse confidence ${check.abuseConfidenceScore}%, ${check.totalReports} reports by `
      + `${check.numDistinctUsers ?? 'unknown'} users in the last ${policy.maxAgeInDays} days${where ? ` (${where})` : ''}`
      + (check.isWhitelisted ? ', whitelisted' : '')
      + (categories.length ? `; mostly ${categories.slice(0, TOP_CATEGORIES).map((c) => c.name).join(', ')}` : '');
  return {
    verdict: verdictOf(check, policy),
    score: notFound ? null : check.abuseConfidenceScore,
    summary,
    details: {
      ipAddress: check.ipAddress,
      abuseConfidenceScore: check.abuseConfidenceScore,
      totalReports: check.totalReports,
      numDistinctUsers: check.numDistinctUsers ?? null,
      lastReportedAt: check.lastReportedAt ?? null,
      countryCode: check.countryCode ?? null,
      countryName: check.countryName ?? null,
      usageType: check.usageType ?? null,
      isp: check.isp ?? null,
      domain: check.domain ?? null,
      hostnames: check.hostnames ?? [],
      isPublic: check.isPublic ?? null,
      isWhitelisted: check.isWhitelisted ?? null,
      isTor: check.isTor ?? null,
      categories,
    },
    link: `https://www.abuseipdb.com/check/${check.ipAddress}`,
    notFound,
  };
}

function verdictOf(check: AbuseIpdbCheck, policy: AbuseIpdbVerdictPolicy): Verdict {
  if (check.isWhitelisted === true) return 'HARMLESS';
  if (check.totalReports === 0) return 'UNKNOWN';
  if (check.abuseConfidenceScore >= policy.maliciousScore) return 'MALICIOUS';
  if (check.abuseConfidenceScore >= policy.suspiciousScore) return 'SUSPICIOUS';
  return 'HARMLESS';
}

/** Report categories by how often reporters chose them, most frequent first. */
function categoryCounts(reports: AbuseIpdbReport[]): { id: number; name: string; count: number }[] {
  const counts = new Map<number, number>();
  for (const report of reports) for (const id of report.categories ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, countA], [b, countB]) => countB - countA || a - b)
    .map(([id, count]) => ({ id, name: ABUSEIPDB_CATEGORIES[id] ?? `category ${id}`, count }));
}
