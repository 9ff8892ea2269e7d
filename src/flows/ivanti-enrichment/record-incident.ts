import type { IvantiClient } from '../../sources/ivanti-itsm/client.js';
import { incidentCreate, type NewIncidentDefaults } from '../../sources/ivanti-itsm/map.js';
import { compare } from '../../sources/ivanti-itsm/odata.js';
import type { IvantiIncident } from '../../sources/ivanti-itsm/wire.js';
import type { Priority } from '../../domain/model.js';
import { reportGaps, verdictCounts, worstVerdict, type EnrichmentReport } from './enrichment-report.js';

const SUBJECT_PREFIX = '[socgraph] STIX bundle published for incident';
const MARKER = 'Published by socgraph (ivanti-enrichment).';

/** The subject of the incident recording a publication (its description names the bundle). */
export function recordIncidentSubject(report: Pick<EnrichmentReport, 'incident'>): string {
  return `${SUBJECT_PREFIX} ${report.incident.number}`;
}

/** An incident this playbook created to record a publication: never itself enriched. */
export function isPlaybookRecord(incident: Pick<IvantiIncident, 'Subject' | 'Symptom'>): boolean {
  return (incident.Subject ?? '').startsWith(SUBJECT_PREFIX) && (incident.Symptom ?? '').includes(MARKER);
}

const PRIORITY_BY_VERDICT = { MALICIOUS: 'HIGH', SUSPICIOUS: 'MEDIUM', HARMLESS: 'LOW', UNKNOWN: 'LOW' } as const satisfies Record<string, Priority>;

export function recordIncidentDescription(report: EnrichmentReport): string {
  const verdicts = verdictCounts(report.indicators);
  const gaps = reportGaps(report);
  return [
    MARKER,
    `Source ticket: Ivanti incident ${report.incident.number} (${report.incident.recId}) "${report.incident.subject}".`,
    `STIX bundle: ${report.bundleId}, sent to ${report.ctixSource} (TLP:${report.tlp}).`,
    `Objects: ${report.counts.indicators} indicators, ${report.counts.observables} observables, ${report.counts.vulnerabilities} vulnerabilities, `
      + `${report.counts.notes} provider notes.`,
    `Verdicts: ${verdicts.MALICIOUS} malicious, ${verdicts.SUSPICIOUS} suspicious, ${verdicts.HARMLESS} harmless, ${verdicts.UNKNOWN} unknown.`,
    ...(report.indicators.length ? ['', 'Indicators:', ...report.indicators.map((i) => `- ${i.type} ${i.value}: ${i.verdict}${i.score === null ? '' : ` (${i.score})`}`)] : []),
    ...(report.cves.length ? ['', `Vulnerabilities: ${report.cves.join(', ')}`] : []),
    ...(gaps.length ? ['', 'Provider gaps:', ...gaps.map((g) => `- ${g.provider} for ${g.indicator}: ${g.status}`)] : []),
  ].join('\n');
}

/**
 * The incident recording what was published, created once: when a previous attempt may have created it (the
 * answer was lost), it is looked up by subject and bundle id first.
 */
export async function findOrCreateRecordIncident(
  ivanti: IvantiClient, report: EnrichmentReport, defaults: NewIncidentDefaults, mayExist: boolean,
): Promise<{ incident: IvantiIncident; created: boolean }> {
  const subject = recordIncidentSubject(report);
  if (mayExist) {
    const found = await ivanti.listIncidents({ filter: compare('Subject', 'eq', subject), top: 100 });
    const mine = found.find((i) => (i.Symptom ?? '').includes(report.bundleId));
    if (mine) return { incident: mine, created: false };
  }
  const fields = incidentCreate(
    { title: subject, description: recordIncidentDescription(report), priority: PRIORITY_BY_VERDICT[worstVerdict(report.indicators)] },
    defaults,
  );
  return { incident: await ivanti.createIncident(fields), created: true };
}
