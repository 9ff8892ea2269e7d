import type { EnrichmentResult } from '../../domain/enrichment.js';
import type { Verdict } from '../../domain/model.js';
import type { VtAnalysisStats, VtDomain, VtFile, VtIpAddress, VtObject, VtUrl } from './wire.js';

/** XSOAR's VirusTotal v3 default: an object is bad once this many engines call it malicious. */
export interface VirusTotalVerdictPolicy {
  maliciousThreshold: number;
}

/** Engines whose answer counts towards the detection ratio (timeouts and unsupported types said nothing). */
const VERDICT_CATEGORIES = ['harmless', 'malicious', 'suspicious', 'undetected'] as const;

/** How many flagging engines the details name. */
const NAMED_ENGINES = 10;

const GUI = 'https://www.virustotal.com/gui';

/** What VT knows of an object, as an enrichment: verdict from engine counts, score = percent of engines flagging it malicious. */
export function enrichmentFromObject(object: VtObject, policy: VirusTotalVerdictPolicy): EnrichmentResult {
  const { attributes } = object;
  const stats: VtAnalysisStats = attributes.last_analysis_stats ?? {};
  const malicious = stats.malicious ?? 0;
  const suspicious = stats.suspicious ?? 0;
  const answered = VERDICT_CATEGORIES.reduce((sum, category) => sum + (stats[category] ?? 0), 0);
  const flaggedBy = Object.entries(attributes.last_analysis_results ?? {})
    .filter(([, r]) => r?.category === 'malicious')
    .map(([engine, r]) => {
      const name = r?.engine_name ?? engine;
      return r?.result ? `${name}: ${r.result}` : name;
    });
  const specific = describe(object);
  const detection = answered === 0
    ? 'not analysed yet'
    : `${malicious}/${answered} engines flag it malicious${suspicious ? `, ${suspicious} suspicious` : ''}`;
  const reputation = attributes.reputation != null ? `; reputation ${attributes.reputation}` : '';
  return {
    verdict: verdictOf(malicious, suspicious, answered, policy),
    score: answered === 0 ? null : Math.round((100 * malicious) / answered),
    summary: `VirusTotal: ${specific.name} ${detection}${specific.facts ? `; ${specific.facts}` : ''}${reputation}`,
    details: {
      type: object.type,
      id: object.id,
      stats,
      reputation: attributes.reputation ?? null,
      totalVotes: attributes.total_votes ?? null,
      tags: attributes.tags ?? [],
      lastAnalysisAt: isoFromUnix(attributes.last_analysis_date),
      flaggedBy: flaggedBy.slice(0, NAMED_ENGINES),
      ...specific.details,
    },
    link: specific.link,
    notFound: false,
  };
}

/** VirusTotal has no object for the indicator (a 404): nothing known, which is not a failure. */
export function enrichmentNotFound(value: string): EnrichmentResult {
  return { verdict: 'UNKNOWN', score: null, summary: `VirusTotal: no record of ${value}`, details: {}, link: null, notFound: true };
}

function verdictOf(malicious: number, suspicious: number, answered: number, policy: VirusTotalVerdictPolicy): Verdict {
  if (answered === 0) return 'UNKNOWN';
  if (malicious >= policy.maliciousThreshold) return 'MALICIOUS';
  if (malicious > 0 || suspicious > 0) return 'SUSPICIOUS';
  return 'HARMLESS';
}

interface TypeSpecific {
  name: string;
  facts: string;
  details: Record<string, unknown>;
  link: string;
}

function describe(object: VtObject): TypeSpecific {
  switch (object.type) {
    case 'ip_address':
      return describeIp(object);
    case 'domain':
      return describeDomain(object);
    case 'url':
      return describeUrl(object);
    case 'file':
      return describeFile(object);
  }
}

function describeIp({ id, attributes: a }: VtIpAddress): TypeSpecific {
  const owner = [a.asn != null ? `AS${a.asn}` : null, a.as_owner].filter(Boolean).join(' ');
  return {
    name: id,
    facts: [owner, a.country ? `(${a.country})` : null].filter(Boolean).join(' '),
    details: { asn: a.asn ?? null, asOwner: a.as_owner ?? null, country: a.country ?? null, network: a.network ?? null },
    link: `${GUI}/ip-address/${id}`,
  };
}

function describeDomain({ id, attributes: a }: VtDomain): TypeSpecific {
  const created = isoFromUnix(a.creation_date);
  return {
    name: id,
    facts: [a.registrar ? `registrar ${a.registrar}` : null, created ? `created ${created.slice(0, 10)}` : null].filter(Boolean).join(', '),
    details: { registrar: a.registrar ?? null, createdAt: created, categories: a.categories ?? {} },
    link: `${GUI}/domain/${id}`,
  };
}

function describeUrl({ id, attributes: a }: VtUrl): TypeSpecific {
  const redirected = a.last_final_url && a.last_final_url !== a.url ? `lands on ${a.last_final_url}` : null;
  return {
    name: a.url ?? id,
    facts: [redirected, a.title ? `title "${a.title}"` : null, a.threat_names?.length ? `threats ${a.threat_names.join(', ')}` : null]
      .filter(Boolean).join(', '),
    details: {
      url: a.url ?? null, finalUrl: a.last_final_url ?? null, title: a.title ?? null, httpStatus: a.last_http_response_code ?? null,
      categories: a.categories ?? {}, threatNames: a.threat_names ?? [],
    },
    link: `${GUI}/url/${id}`,
  };
}

function describeFile({ id, attributes: a }: VtFile): TypeSpecific {
  const label = a.popular_threat_classification?.suggested_threat_label;
  // A file's id is its sha256.
  const sha256 = a.sha256 ?? id;
  return {
    name: a.meaningful_name ? `${a.meaningful_name} (${sha256})` : sha256,
    facts: [a.type_description, label ? `threat label ${label}` : null].filter(Boolean).join(', '),
    details: {
      md5: a.md5 ?? null, sha1: a.sha1 ?? null, sha256, size: a.size ?? null, typeDescription: a.type_description ?? null,
      meaningfulName: a.meaningful_name ?? null, threatLabel: label ?? null, timesSubmitted: a.times_submitted ?? null,
      firstSubmittedAt: isoFromUnix(a.first_submission_date),
    },
    link: `${GUI}/file/${sha256}`,
  };
}

function isoFromUnix(seconds: number | null | undefined): string | null {
  return seconds == null ? null : new Date(seconds * 1000).toISOString();
}
