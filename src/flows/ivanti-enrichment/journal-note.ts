import { gapReason, type EnrichmentReport, type FollowUpReport, type ReportedIndicator, type ReportedProvider } from './enrichment-report.js';

/** The journal note's subject names the bundle: a resumed run finds a note that landed before a crash by it. */
export function journalNoteSubject(report: Pick<EnrichmentReport, 'bundleId'>): string {
  return `socgraph enrichment (${report.bundleId})`;
}

/**
 * The write-back note on the original incident: one readable table per indicator (provider, verdict, score,
 * link), providers that failed or were not asked named as such, and where the STIX bundle went.
 */
export function journalNoteBody(report: EnrichmentReport, recordIncidentNumber: number | null, addendum = false): string {
  const lines: string[] = [];
  const n = report.indicators.length;
  const where = addendum ? 'in notes or attachments added to this incident since the last socgraph note' : 'in this incident';
  lines.push(n === 0
    ? `socgraph found no ${addendum ? 'new ' : ''}indicators ${where} (TLP:${report.tlp}).`
    : `socgraph found ${n} ${addendum ? 'more ' : ''}indicator${n === 1 ? '' : 's'} ${where} and enriched ${n === 1 ? 'it' : 'them'} (TLP:${report.tlp}).`);
  lines.push(`STIX bundle ${report.bundleId} published to ${report.ctixSource}: ${report.counts.indicators} indicators, `
    + `${report.counts.observables} observables, ${report.counts.vulnerabilities} vulnerabilities.`
    + (recordIncidentNumber === null ? '' : ` Recorded in incident ${recordIncidentNumber}.`));
  report.indicators.forEach((indicator, index) => {
    lines.push('', `${index + 1}. ${indicator.type} ${indicator.value} — verdict ${verdictText(indicator)}`);
    lines.push(...indicatorTable(indicator));
  });
  if (report.cves.length) lines.push('', `CVEs mentioned: ${report.cves.join(', ')}`);
  const gaps = report.indicators.flatMap((i) => i.providers.filter((p) => p.status === 'FAILED').map((p) => `${p.provider} (${i.value})`));
  if (gaps.length) lines.push('', `Not enriched, to be looked up again later: ${gaps.join(', ')}.`);
  return lines.join('\n');
}

function indicatorTable(indicator: ReportedIndicator): string[] {
  if (indicator.providers.length === 0) return ['(no provider looks up this type)'];
  return [
    '| Provider | Verdict | Score | Link |',
    '| --- | --- | --- | --- |',
    ...indicator.providers.map((p) => `| ${cell(p.provider)} | ${cell(providerVerdict(p))} | ${p.score ?? '-'} | ${cell(p.link ?? '-')} |`),
  ];
}

function providerVerdict(provider: ReportedProvider): string {
  if (provider.status === 'FETCHED' || provider.status === 'CACHED') return provider.verdict ?? 'UNKNOWN';
  return `no answer (${gapReason(provider)})`;
}

function verdictText(indicator: ReportedIndicator): string {
  return indicator.score === null ? indicator.verdict : `${indicator.verdict} (score ${indicator.score})`;
}

/** A table cell: no line breaks, no column separators. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '/').trim();
}

/** A note this playbook wrote (its subject names a bundle). */
export function isPlaybookNote(note: { Subject?: string | null }): boolean {
  return /^socgraph enrichment (update )?\(bundle--[0-9a-f-]+\)$/.test(note.Subject ?? '');
}

export function followUpNoteSubject(report: Pick<EnrichmentReport, 'bundleId'>): string {
  return `socgraph enrichment update (${report.bundleId})`;
}

/** The one follow-up note: what the providers that had failed answered on a later run, per indicator. */
export function followUpNoteBody(report: EnrichmentReport, followUp: FollowUpReport): string {
  const lines = [`socgraph asked again the providers that had not answered (bundle ${report.bundleId} was published without them).`];
  followUp.indicators.forEach((indicator, index) => {
    lines.push('', `${index + 1}. ${indicator.type} ${indicator.value} — verdict now ${verdictText(indicator)}`);
    lines.push(...indicatorTable(indicator));
  });
  if (followUp.stillMissing.length) lines.push('', `Still no answer: ${followUp.stillMissing.map((m) => `${m.provider} (${m.indicator})`).join(', ')}.`);
  return lines.join('\n');
}
